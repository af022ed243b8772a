import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubToAgent } from '../../shared/assistance/protocol.js';
import { openSocket } from '../../hub-server/assistance/test-agents.js';
import { seedStaff } from '../../hub-server/console/test-support.js';
import { createTestHub, type SeededCommune, type TestHub } from '../../hub-server/test-support.js';
import { createStandaloneContext, type StandaloneContext } from '../core/test-context.js';
import { createHubClient } from '../hub-client/hub-client.js';
import { createAssistanceSession } from './session.js';

/** The PC's side against a real hub on loopback: the code, the agent's arrival, both consents, the diagnostic, the local log. */
describe('assistance on the PC', () => {
  let hub: TestHub;
  let base: string;
  let commune: SeededCommune;
  let dir: string;
  let t: StandaloneContext;
  let AGENT: Record<string, string>;

  beforeAll(async () => {
    hub = await createTestHub('sqlite');
    AGENT = (await seedStaff(hub.db, { login: 'marie', role: 'assistance', displayName: 'Marie Durand' })).headers;
    commune = await hub.seedCommune({ insee: '10387', services: ['electoral', 'assistance'] });
    base = await hub.listen();
    dir = mkdtempSync(join(tmpdir(), 'guichet-assist-'));
    const client = createHubClient({
      baseUrl: base,
      token: () => commune.secretaireToken,
      clientSchema: 'core=1',
      log: pino({ level: 'silent' }),
    });
    t = createStandaloneContext({ dataDir: dir, hub: () => client });
  });
  afterAll(async () => {
    t?.close();
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const until = async (pred: () => boolean) => {
    for (let i = 0; i < 100 && !pred(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(pred()).toBe(true);
  };

  it('asks, shows the code, lets the agent in only with consent, gives and takes back the hand', async () => {
    const session = createAssistanceSession(t.ctx);
    const waiting = await session.request();
    expect(waiting.status).toBe('waiting');
    expect(waiting.code).toMatch(/^\d{6}$/);
    expect(t.ctx.busy.current().map((b) => b.kind)).toEqual(['assistance']);

    const agent = await openSocket<HubToAgent>(`${base.replace(/^http/, 'ws')}/console/api/assistance/socket`, AGENT);
    agent.send({ t: 'join', code: waiting.code });
    await until(() => session.state().status === 'joined');
    expect(session.state().agent).toEqual({ name: 'Marie Durand' });
    expect(session.state().code).toBeNull();

    session.frames('["avant consentement"]');
    session.accept();
    await agent.next((m) => m.t === 'consent' && m.consent.view);
    session.frames('["après consentement"]');
    await agent.next((m) => m.t === 'frames');
    expect(agent.raw.join('')).not.toContain('avant consentement');

    agent.send({ t: 'ask-control' });
    await until(() => session.state().controlAsked);
    session.grantControl();
    agent.send({ t: 'input', seq: 1, input: { kind: 'click', id: 7 } });
    await until(() => t.events.some((e) => e.event === 'assistance:input'));
    expect(t.events.find((e) => e.event === 'assistance:input')?.payload).toEqual({ seq: 1, input: { kind: 'click', id: 7 } });
    session.applied(1, true);
    await agent.next((m) => m.t === 'applied' && m.seq === 1);

    session.takeBack();
    await agent.next((m) => m.t === 'consent' && !m.consent.control);
    agent.send({ t: 'input', seq: 2, input: { kind: 'click', id: 7 } });
    expect(await agent.next((m) => m.t === 'applied' && m.seq === 2)).toMatchObject({ ok: false });
    expect(t.events.filter((e) => e.event === 'assistance:input')).toHaveLength(1);

    // A log line that once held a person's data is redacted by the logger, and the bundle keeps only known fields.
    t.ctx.log.warn({ channel: 'electoral:search', data: { birthName: 'ZZDUPONTMARKER' }, code: 'invalid_input' }, 'invoke refused');
    agent.send({ t: 'ask-diagnostic' });
    await until(() => session.state().diagnosticAsked);
    session.sendDiagnostic();
    const diag = await agent.next((m) => m.t === 'diagnostic');
    if (diag.t !== 'diagnostic') throw new Error('unreachable');
    expect(diag.bundle.versions.guichet).toMatch(/^\d+\.\d+\.\d+/);
    expect(diag.bundle.logs.some((l) => l.includes('electoral:search'))).toBe(true);
    expect(JSON.stringify(diag.bundle)).not.toContain('ZZDUPONTMARKER');

    agent.send({ t: 'chat', text: 'Je regarde.' });
    await until(() => session.state().chat.length === 1);
    session.end();
    await agent.next((m) => m.t === 'ended');
    expect(session.state()).toMatchObject({ status: 'ended', endReason: 'pc' });
    expect(t.ctx.busy.isBusy()).toBe(false);

    const logged = readFileSync(t.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"mod":"assistance"') && l.includes('"action"'))
      .map((l) => (JSON.parse(l) as { action: string }).action);
    expect(logged).toEqual([
      'created',
      'joined',
      'accepted',
      'control-asked',
      'control-granted',
      'input',
      'control-taken-back',
      'diagnostic-asked',
      'diagnostic-sent',
      'chat-agent',
      'ended',
    ]);
  });

  it('ends at once when the secretary refuses', async () => {
    const session = createAssistanceSession(t.ctx);
    const { code } = await session.request();
    const agent = await openSocket<HubToAgent>(`${base.replace(/^http/, 'ws')}/console/api/assistance/socket`, AGENT);
    agent.send({ t: 'join', code });
    await until(() => session.state().status === 'joined');
    session.refuse();
    expect(await agent.next((m) => m.t === 'ended')).toEqual({ t: 'ended', reason: 'refused' });
    expect(agent.messages.some((m) => m.t === 'frames')).toBe(false);
  });
});
