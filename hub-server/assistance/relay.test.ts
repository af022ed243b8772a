import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSISTANCE_HUB_ROUTES as ROUTES } from '../../shared/assistance/hub-routes.js';
import type { HubToAgent, HubToPc } from '../../shared/assistance/protocol.js';
import { createTestHub, TEST_BACKENDS, type SeededCommune, type TestHub } from '../test-support.js';
import { assistanceDb, createSession } from './store.js';
import { openSocket } from './test-agents.js';
import { seedStaff } from '../console/test-support.js';

type Agent = Record<string, string>;

describe.each(TEST_BACKENDS)('remote assistance relay (%s)', (backend) => {
  let hub: TestHub;
  let base: string;
  let wsBase: string;
  let a: SeededCommune;
  let b: SeededCommune;
  let off: SeededCommune;
  let MARIE: Agent;
  let PAUL: Agent;
  let RITA: Agent;

  beforeAll(async () => {
    hub = await createTestHub(backend);
    MARIE = (await seedStaff(hub.db, { login: 'marie', role: 'assistance', displayName: 'Marie Durand' })).headers;
    PAUL = (await seedStaff(hub.db, { login: 'paul', role: 'administrateur', displayName: 'Paul Martin' })).headers;
    RITA = (await seedStaff(hub.db, { login: 'rita', role: 'assistance', displayName: 'Rita Lenoir' })).headers;
    a = await hub.seedCommune({ insee: '10387', services: ['electoral', 'assistance'] });
    b = await hub.seedCommune({ insee: '10362', services: ['assistance'] });
    off = await hub.seedCommune({ insee: '10033', services: ['electoral'] });
    base = await hub.listen();
    wsBase = base.replace(/^http/, 'ws');
  });
  afterAll(() => hub?.close());

  async function create(token: string): Promise<{ status: number; body: { id: string; code: string; message?: string } }> {
    const res = await fetch(`${base}${ROUTES.assistanceCreate.path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as { id: string; code: string; message?: string } };
  }
  const pcSocket = (id: string, token: string) => openSocket<HubToPc>(`${wsBase}/api/v1/assistance/sessions/${id}/socket`, token);
  const agentSocket = (token: string | Agent) => openSocket<HubToAgent>(`${wsBase}${ROUTES.assistanceAgentSocket.path}`, token);

  /** A PC asks, an agent joins with the code, the secretary accepts. */
  async function joined(commune: SeededCommune, agentToken: Agent) {
    const created = await create(commune.secretaireToken);
    const pc = await pcSocket(created.body.id, commune.secretaireToken);
    const agent = await agentSocket(agentToken);
    agent.send({ t: 'join', code: created.body.code.replace(/(\d{3})/, '$1 ') });
    await pc.next((m) => m.t === 'joined');
    await agent.next((m) => m.t === 'joined');
    return { id: created.body.id, code: created.body.code, pc, agent };
  }

  it('gives a 6-digit code to the PC only: not to a collectivité without the service', async () => {
    const created = await create(a.consultationToken);
    expect(created.status).toBe(201);
    expect(created.body.code).toMatch(/^\d{6}$/);
    expect((await create(off.secretaireToken)).status).toBe(403);
    const anonymous = await fetch(`${base}${ROUTES.assistanceCreate.path}`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
  });

  it('refuses a collectivité token on the agent socket, an agent from another site, and an agent on the PC socket', async () => {
    await expect(agentSocket(a.maireToken)).rejects.toThrow('HTTP 401');
    await expect(agentSocket({ ...MARIE, origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    const host = new URL(base).host;
    (await agentSocket({ ...MARIE, origin: `http://${host}` })).ws.close();
    // A collectivité token cannot open another device's PC socket either.
    const created = await create(a.secretaireToken);
    await expect(pcSocket(created.body.id, a.maireToken)).rejects.toThrow('HTTP 404');
    await expect(pcSocket(created.body.id, b.secretaireToken)).rejects.toThrow('HTTP 404');
    // An agent's console session does not open a PC's socket (HTTP check: the bearer hook answers first).
    const asAgent = await hub.app.inject({ method: 'GET', url: `/api/v1/assistance/sessions/${created.body.id}/socket`, headers: MARIE });
    expect(asAgent.statusCode).toBe(401);
  });

  it('takes a code once: a second agent with the same code is refused', async () => {
    const s = await joined(a, PAUL);
    const late = await agentSocket(MARIE);
    late.send({ t: 'join', code: s.code });
    const refusal = await late.next((m) => m.t === 'error');
    expect(refusal).toMatchObject({ message: expect.stringContaining('déjà utilisé') });
    s.pc.send({ t: 'end' });
    await s.agent.next((m) => m.t === 'ended');
    late.ws.close();
  });

  it('refuses an expired code', async () => {
    const auth = { communeId: b.communeId, deviceId: b.maireDeviceId, userId: b.maireUserId } as Parameters<typeof createSession>[1];
    const old = await createSession(assistanceDb(hub.db), auth, Date.now() - 11 * 60_000);
    const agent = await agentSocket(PAUL);
    agent.send({ t: 'join', code: old.code });
    expect(await agent.next((m) => m.t === 'error')).toMatchObject({ message: expect.stringContaining('expiré') });
    agent.ws.close();
  });

  it('limits wrong codes per agent, then refuses even the right one', async () => {
    const created = await create(b.secretaireToken);
    const agent = await agentSocket(RITA);
    const wrong = created.body.code === '000000' ? '000001' : '000000';
    for (let i = 0; i < 5; i++) {
      agent.send({ t: 'join', code: wrong });
      await agent.next((m) => m.t === 'error' && agent.messages.filter((x) => x.t === 'error').length === i + 1);
    }
    agent.send({ t: 'join', code: created.body.code });
    await agent.next((m) => m.t === 'error' && agent.messages.filter((x) => x.t === 'error').length === 6);
    expect(agent.messages.at(-1)).toMatchObject({ t: 'error', message: expect.stringContaining('Trop de codes') });
    agent.ws.close();
  });

  it('limits how many sessions one PC opens', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await create(b.consultationToken)).status);
    expect(statuses.slice(0, 5)).toEqual([201, 201, 201, 201, 201]);
    expect(statuses[5]).toBe(429);
  });

  it('relays frames only after consent, inputs only with the hand, and only within the session', async () => {
    const one = await joined(a, MARIE);
    const two = await joined(b, PAUL);
    expect(one.pc.messages.find((m) => m.t === 'joined')).toEqual({ t: 'joined', agent: { name: 'Marie Durand' } });

    one.pc.send({ t: 'frames', json: '[{"before":"consent"}]' });
    one.agent.send({ t: 'input', seq: 1, input: { kind: 'click', id: 12 } });
    expect(await one.agent.next((m) => m.t === 'applied' && m.seq === 1)).toMatchObject({ ok: false });

    one.pc.send({ t: 'consent', consent: { view: true, control: false } });
    await one.agent.next((m) => m.t === 'consent');
    one.pc.send({ t: 'frames', json: '[{"after":"consent"}]' });
    const frames = await one.agent.next((m) => m.t === 'frames');
    expect(frames).toEqual({ t: 'frames', json: '[{"after":"consent"}]' });

    one.agent.send({ t: 'ask-control' });
    await one.pc.next((m) => m.t === 'ask-control');
    one.pc.send({ t: 'consent', consent: { view: true, control: true } });
    one.agent.send({ t: 'input', seq: 2, input: { kind: 'text', id: 40, value: 'dupont' } });
    expect(await one.pc.next((m) => m.t === 'input')).toEqual({ t: 'input', seq: 2, input: { kind: 'text', id: 40, value: 'dupont' } });
    one.agent.send({ t: 'input', seq: 3, input: { kind: 'key', id: 40, key: 'Enter' } });
    await one.pc.next((m) => m.t === 'input' && m.seq === 3);

    // Taken back: the next input does not reach the PC.
    one.pc.send({ t: 'consent', consent: { view: true, control: false } });
    await one.agent.next((m) => m.t === 'consent' && !m.consent.control);
    one.agent.send({ t: 'input', seq: 4, input: { kind: 'click', id: 1 } });
    expect(await one.agent.next((m) => m.t === 'applied' && m.seq === 4)).toMatchObject({ ok: false });

    one.agent.send({ t: 'chat', text: 'Bonjour' });
    await one.pc.next((m) => m.t === 'chat');
    one.agent.send({ t: 'ask-diagnostic' });
    await one.pc.next((m) => m.t === 'ask-diagnostic');

    // Nothing of session one reached session two, either way.
    expect(two.agent.raw.join('\n')).not.toMatch(/consent"|dupont|Bonjour|frames/);
    expect(two.pc.raw.join('\n')).not.toMatch(/dupont|Bonjour|input/);
    expect(one.pc.messages.filter((m) => m.t === 'input').map((m) => m.seq)).toEqual([2, 3]);

    one.pc.send({ t: 'end' });
    await one.agent.next((m) => m.t === 'ended');
    two.agent.send({ t: 'end' });
    expect(await two.pc.next((m) => m.t === 'ended')).toEqual({ t: 'ended', reason: 'agent' });

    // The mayor sees the session and what happened in it; the secretary may not.
    // The audit is written off the relay's path: wait until the end of session one is stored.
    type Entry = { id: string; agentName: string; endReason: string; actions: { action: string; count: number }[] };
    let sessions: Entry[] = [];
    for (let i = 0; i < 100; i++) {
      const history = await fetch(`${base}${ROUTES.assistanceHistory.path}`, { headers: { authorization: `Bearer ${a.maireToken}` } });
      expect(history.status).toBe(200);
      sessions = (await history.json()) as Entry[];
      if (sessions.find((x) => x.id === one.id)?.endReason === 'pc') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const entry = sessions.find((s) => s.id === one.id);
    expect(entry).toMatchObject({ agentName: 'Marie Durand', endReason: 'pc' });
    expect(entry?.actions.map((x) => x.action)).toEqual([
      'created',
      'joined',
      'accepted',
      'control-asked',
      'control-granted',
      'input',
      'control-taken-back',
      'chat-agent',
      'diagnostic-asked',
      'ended',
    ]);
    expect(entry?.actions.find((x) => x.action === 'input')?.count).toBe(2);
    expect(sessions.some((s) => s.id === two.id)).toBe(false);
    const denied = await fetch(`${base}${ROUTES.assistanceHistory.path}`, { headers: { authorization: `Bearer ${a.secretaireToken}` } });
    expect(denied.status).toBe(403);
    // The console sees every collectivité's sessions; a collectivité token does not open that list.
    const console = await fetch(`${base}${ROUTES.assistanceConsoleSessions.path}`, { headers: PAUL });
    const all = (await console.json()) as { id: string; collectivite: string }[];
    expect(all.filter((x) => x.id === one.id || x.id === two.id)).toHaveLength(2);
    const asCommune = await fetch(`${base}${ROUTES.assistanceConsoleSessions.path}`, {
      headers: { authorization: `Bearer ${a.maireToken}` },
    });
    expect(asCommune.status).toBe(401);
  });

  it('ends the session when the secretary refuses', async () => {
    const s = await joined(b, MARIE);
    s.pc.send({ t: 'consent', consent: { view: false, control: false } });
    expect(await s.agent.next((m) => m.t === 'ended')).toEqual({ t: 'ended', reason: 'refused' });
  });
});
