import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { GuichetError } from '../../shared/errors.js';
import { backoffDelay, createCycleHealth, createScheduler } from './scheduler.js';

const timing = { intervalMs: 30_000, maxBackoffMs: 5 * 60_000 };
const noJitter = () => 0.5;

describe('backoff', () => {
  it('waits the interval while cycles succeed, then 5 s, 10 s, 20 s… up to the maximum', () => {
    expect(backoffDelay(0, timing, noJitter)).toBe(30_000);
    expect([1, 2, 3, 4].map((f) => backoffDelay(f, timing, noJitter))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(backoffDelay(7, timing, noJitter)).toBe(300_000);
    expect(backoffDelay(1_000, timing, noJitter)).toBe(300_000);
  });

  it('spreads retries by ±20 % so PCs that lost the hub together do not return together', () => {
    expect(backoffDelay(1, timing, () => 0)).toBe(4_000);
    expect(backoffDelay(1, timing, () => 0.999_999)).toBe(6_000);
  });
});

describe('cycle health', () => {
  it('is offline only when the hub cannot be reached, and counts failures until a success', () => {
    const h = createCycleHealth();
    h.failed(new GuichetError('offline', 'Le hub est injoignable.'));
    expect([h.online(), h.failures(), h.lastError()?.code]).toEqual([false, 1, 'offline']);
    h.failed(new GuichetError('forbidden', 'Refusé.'));
    expect([h.online(), h.failures(), h.lastError()?.code]).toEqual([true, 2, 'forbidden']);
    h.succeeded();
    expect([h.online(), h.failures(), h.lastError()]).toEqual([true, 0, null]);
  });

  it('tells the user in French when a cycle crashed on something unexpected', () => {
    const h = createCycleHealth();
    h.failed(new TypeError('x is undefined'));
    expect(h.lastError()).toEqual({ code: 'internal', message: expect.stringMatching(/erreur inattendue.*retentée/) });
    h.clearError();
    expect(h.lastError()).toBeNull();
    expect(h.failures()).toBe(1);
  });
});

/** A cycle that waits until released, counting how many started. */
function gatedCycles() {
  let started = 0;
  const releases: (() => void)[] = [];
  return {
    started: () => started,
    cycle: () =>
      new Promise<number>((resolve) => {
        const n = ++started;
        releases.push(() => resolve(n));
      }),
    releaseNext: async () => {
      while (releases.length === 0) await sleep(1);
      releases.shift()!();
    },
  };
}

describe('scheduler', () => {
  it('runs one cycle at a time; asks made meanwhile share one next cycle that starts after it', async () => {
    const c = gatedCycles();
    const s = createScheduler({ cycle: c.cycle, nextDelay: () => 60_000, debounceMs: 5 });
    const first = s.run();
    const second = s.run();
    const third = s.run();
    expect(third).toBe(second);
    expect(c.started()).toBe(1);
    await c.releaseNext();
    expect(await first).toBe(1);
    await c.releaseNext();
    expect(await second).toBe(2);
    expect(c.started()).toBe(2);
    await s.stop();
  });

  it('debounces requests into one cycle', async () => {
    let cycles = 0;
    const s = createScheduler({ cycle: async () => ++cycles, nextDelay: () => 60_000, debounceMs: 20 });
    for (let i = 0; i < 5; i++) s.request();
    await sleep(80);
    expect(cycles).toBe(1);
    await s.stop();
  });

  it('loops with the delay asked after each cycle, and stops for good', async () => {
    let cycles = 0;
    const s = createScheduler({ cycle: async () => ++cycles, nextDelay: () => 5, debounceMs: 5 });
    s.start();
    s.start(); // a second start does not add a second loop
    while (cycles < 3) await sleep(5);
    await s.stop();
    const after = cycles;
    s.request();
    expect(s.run()).toBeNull();
    await sleep(40);
    expect(cycles).toBe(after);
  });

  it('stop waits for the running cycle', async () => {
    const c = gatedCycles();
    const s = createScheduler({ cycle: c.cycle, nextDelay: () => 60_000, debounceMs: 5 });
    void s.run();
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await sleep(10);
    expect(stopped).toBe(false);
    await c.releaseNext();
    await stopping;
    expect(stopped).toBe(true);
  });
});
