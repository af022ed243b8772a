import { describe, expect, it } from 'vitest';
import { benchAssistance } from '../../build/bench/assistance-bench.js';

/** Smoke test of `guichet bench --only assistance`: it runs end to end and reports its figures (speed is never asserted). */
describe('assistance bench', () => {
  it('measures the input round trip and the bytes relayed', async () => {
    const r = await benchAssistance({ inputs: 10 });
    expect(r.inputs).toBe(10);
    expect(r.inputToChangeSeenMs.p50).toBeGreaterThan(0);
    expect(r.inputToChangeSeenMs.p99).toBeGreaterThanOrEqual(r.inputToChangeSeenMs.p50);
    expect(r.baselineWebSocketEchoMs.p50).toBeGreaterThan(0);
    expect(r.bytesToAgentPerInput).toBeGreaterThan(400);
  }, 60_000);
});
