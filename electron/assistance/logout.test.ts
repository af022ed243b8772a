import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubToAgent } from '../../shared/assistance/protocol.js';
import { call, openCore } from '../../test/sync/core-harness.js';
import { openSocket } from '../../hub-server/assistance/test-agents.js';
import { seedStaff } from '../../hub-server/console/test-support.js';
import { createTestHub, TEST_PASSWORD, type SeededCommune, type TestHub } from '../../hub-server/test-support.js';
import { createHubClient } from '../hub-client/hub-client.js';

/**
 * A session never outlives the secretary's login: logging out of Guichet (the
 * whole client core, as the app does it) ends a running assistance session, the
 * agent is told why, and the PC's log and the hub's audit both say « logout ».
 */
describe('assistance and logout', () => {
  let hub: TestHub;
  let hubUrl: string;
  let commune: SeededCommune;
  let AGENT: Record<string, string>;

  beforeAll(async () => {
    hub = await createTestHub('sqlite');
    AGENT = (await seedStaff(hub.db, { login: 'marie', role: 'assistance', displayName: 'Marie Durand' })).headers;
    commune = await hub.seedCommune({ insee: '10387', services: ['electoral', 'assistance'] });
    hubUrl = await hub.listen();
  });
  afterAll(async () => hub?.close());

  it('ends the session with the reason « logout » on both sides', async () => {
    const core = await openCore(undefined, 'PC accueil');
    try {
      await call(core, 'session:login', {
        hubUrl,
        insee: '10387',
        username: 'secretaire',
        password: TEST_PASSWORD,
        deviceName: 'PC accueil',
      });
      const waiting = await call(core, 'assistance:request', null);
      expect(core.busy.current().map((b) => b.kind)).toContain('assistance');
      const agent = await openSocket<HubToAgent>(`${hubUrl.replace(/^http/, 'ws')}/console/api/assistance/socket`, AGENT);
      agent.send({ t: 'join', code: waiting.code });
      for (let i = 0; i < 100 && (await call(core, 'assistance:state', null)).status !== 'joined'; i++)
        await new Promise((r) => setTimeout(r, 20));
      await call(core, 'assistance:accept', null);
      await agent.next((m) => m.t === 'consent' && m.consent.view);

      await call(core, 'session:logout', null);

      expect(await agent.next((m) => m.t === 'ended')).toEqual({ t: 'ended', reason: 'logout' });
      expect(await agent.closed).toBe(1000);
      expect(core.busy.isBusy()).toBe(false);

      // The PC's log (its audit of the session).
      const lines = readFileSync(join(core.dataDir, 'logs', 'guichet.log'), 'utf8')
        .split('\n')
        .filter((l) => l.includes('"mod":"assistance"'))
        .map((l) => JSON.parse(l) as { action?: string; reason?: string });
      expect(lines.some((l) => l.action === 'ended')).toBe(true);
      expect(lines.find((l) => l.reason)?.reason).toBe('logout');

      // The hub's audit, as the mayor reads it (the secretary's device token is gone, the mayor's is not).
      const mayor = createHubClient({
        baseUrl: hubUrl,
        token: () => commune.maireToken,
        clientSchema: 'core=1',
        log: pino({ level: 'silent' }),
      });
      let entry: { endReason: string | null; actions: { action: string }[] } | undefined;
      for (let i = 0; i < 100; i++) {
        entry = (await mayor.assistanceHistory()).find((s) => s.agentName === 'Marie Durand');
        if (entry?.endReason) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(entry?.endReason).toBe('logout');
      expect(entry?.actions.map((a) => a.action)).toContain('ended');
    } finally {
      await core.close();
      rmSync(core.dataDir, { recursive: true, force: true });
    }
  });
});
