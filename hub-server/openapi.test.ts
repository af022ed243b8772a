import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiPath, type HubRouteSpec } from '../shared/api/contract.js';
import { HUB_ROUTES } from '../shared/api/hub.js';
import { DOMAINS, HUB_CONTRACT } from '../shared/domains.js';
import { HUB_VERSION, hubRoutes, type HubRouteInfo } from './app.js';
import { newDemand } from '../test/sync/demand-replica.js';
import { createTestHub, TEST_BACKENDS, TEST_PASSWORD, type SeededCommune, type TestHub } from './test-support.js';

type Operation = OpenAPIV3_1.OperationObject;

/**
 * The département's IT reads the hub's contract at /api/v1/openapi.json. It is
 * generated from the schemas the hub validates with; this test makes sure it
 * covers every route the hub really registers (routes added by a domain
 * included) and is a valid OpenAPI 3.1 document.
 */
describe('OpenAPI document of the hub', () => {
  let hub: TestHub;
  let routes: HubRouteInfo[];
  let doc: OpenAPIV3_1.Document;
  let updatesDir: string;

  beforeAll(async () => {
    // With an update folder, so the feed route is registered too.
    updatesDir = mkdtempSync(join(tmpdir(), 'guichet-updates-'));
    hub = await createTestHub('sqlite', { updatesDir });
    await hub.app.ready();
    routes = [...hubRoutes(hub.app)];
    const res = await hub.app.inject({ method: 'GET', url: HUB_ROUTES.openapi.path });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = res.json();
  });
  afterAll(async () => {
    await hub?.close();
    if (updatesDir) rmSync(updatesDir, { recursive: true, force: true });
  });

  function operationOf(route: { method: string; url: string }): Operation | undefined {
    const item = doc.paths?.[openApiPath(route.url)] as Record<string, Operation> | undefined;
    const method = route.method.toLowerCase();
    // Fastify answers HEAD on every GET route; the document says so once (info.description) and lists the GET.
    return item?.[method] ?? (method === 'head' ? item?.get : undefined);
  }

  it('is served without a token and is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe(HUB_VERSION);
    const result = await validate(structuredClone(doc));
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('documents every route the hub registers, with the security it really applies', () => {
    expect(routes.length).toBeGreaterThanOrEqual(Object.keys(HUB_CONTRACT).length);
    const missing = routes.filter((r) => !operationOf(r)).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    for (const route of routes) {
      const op = operationOf(route)!;
      // Public routes say so (empty security); console routes name the staff cookie; every other one falls under the global bearer requirement.
      expect(op.security, `${route.method} ${route.url}`).toEqual(route.public ? [] : route.console ? [{ console: [] }] : undefined);
    }
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('documents nothing the hub does not serve', () => {
    const registered = new Set(routes.map((r) => `${r.method} ${openApiPath(r.url)}`));
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const method of Object.keys(item ?? {})) expect(registered, `${method} ${path}`).toContain(`${method.toUpperCase()} ${path}`);
    }
  });

  it('describes inputs, answers and refusals from the contract, in French', () => {
    const enroll = operationOf({ method: 'POST', url: HUB_ROUTES.enroll.path })!;
    expect(enroll.summary).toMatch(/Inscrire un poste/);
    const body = (enroll.requestBody as OpenAPIV3_1.RequestBodyObject).content['application/json'].schema as OpenAPIV3_1.SchemaObject;
    expect(body.required).toEqual(expect.arrayContaining(['code', 'username', 'password']));
    // Bounded: the limits the hub enforces are visible to the reader.
    expect(body.properties?.code).toMatchObject({ maxLength: 64 });
    const grant = (enroll.responses!['200'] as OpenAPIV3_1.ResponseObject).content?.['application/json'].schema as OpenAPIV3_1.SchemaObject;
    expect(grant.required).toEqual(expect.arrayContaining(['token', 'user', 'commune', 'device']));
    const refusal = (enroll.responses!['400'] as OpenAPIV3_1.ResponseObject).content?.['application/json'].schema;
    expect(refusal).toEqual({ $ref: '#/components/schemas/ErrorBody' });
    expect(doc.components?.schemas?.ErrorBody).toMatchObject({ required: ['code', 'message'] });

    const pull = operationOf({ method: 'GET', url: HUB_ROUTES.syncPull.path })!;
    const cursor = (pull.parameters as OpenAPIV3_1.ParameterObject[]).find((p) => p.name === 'cursor');
    expect(cursor).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 0 } });
    expect(pull.responses!['409']).toMatchObject({ description: expect.stringMatching(/resync_required/) });

    // What travels inside push and pull: each collection's record and each command's payload.
    for (const d of DOMAINS) {
      for (const name of Object.keys(d.collections)) expect(doc.components?.schemas, name).toHaveProperty([`record.${name}`]);
      for (const name of Object.keys(d.commands)) expect(doc.components?.schemas, name).toHaveProperty([`command.${name}`]);
    }
    expect(doc.components?.schemas?.['record.electoral.demands']).toMatchObject({
      type: 'object',
      description: expect.stringMatching(/electoral\.demand/),
    });

    const revoke = operationOf({ method: 'POST', url: HUB_ROUTES.revokeDevice.path })!;
    expect(revoke.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    expect(revoke.description).toMatch(/users\.manage/);
  });
});

describe('input validation from the contract', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub('sqlite');
  });
  afterAll(async () => {
    await hub?.close();
  });

  it("answers a missing field with a French 400, and a schema's own sentence when it has one", async () => {
    const missing = await hub.app.inject({ method: 'POST', url: HUB_ROUTES.login.path, payload: { insee: '10387', username: 'maire' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: 'invalid_input', detail: 'password: invalid_type' });
    expect(missing.json().message).toMatch(/attendu/);
    const insee = await hub.app.inject({
      method: 'POST',
      url: HUB_ROUTES.login.path,
      payload: { insee: 'Troyes', username: 'maire', password: 'x', deviceName: 'PC' },
    });
    expect(insee.json()).toMatchObject({ code: 'invalid_input', message: 'Code INSEE invalide.' });
  });
});

describe.each(TEST_BACKENDS)("the hub's answers match the contract (%s)", (backend) => {
  let hub: TestHub;
  let c: SeededCommune;
  beforeAll(async () => {
    hub = await createTestHub(backend);
    c = await hub.seedCommune({ insee: '10387', services: ['electoral', 'acts'] });
  });
  afterAll(async () => {
    await hub?.close();
  });

  /** Calls a route and checks its success answer against the route's response schema (numbers from PostgreSQL included). */
  async function answer(route: HubRouteSpec, url: string, init: { token?: string; payload?: object } = {}) {
    const res = await hub.app.inject({
      method: route.method,
      url,
      headers: init.token ? { authorization: `Bearer ${init.token}` } : {},
      payload: init.payload,
    });
    const expected = Object.keys(route.responses).map(Number);
    expect(expected, `${route.method} ${url}: ${res.body.slice(0, 200)}`).toContain(res.statusCode);
    const schema = route.responses[res.statusCode]?.schema;
    if (schema) {
      const parsed = schema.safeParse(res.json());
      expect(parsed.success, `${route.method} ${url}: ${parsed.error?.message}`).toBe(true);
    }
    return res;
  }

  it('health, accounts and sync answers parse with their schemas', async () => {
    await answer(HUB_ROUTES.health, HUB_ROUTES.health.path);
    const grant = await answer(HUB_ROUTES.login, HUB_ROUTES.login.path, {
      payload: { insee: '10387', username: 'secretaire', password: TEST_PASSWORD, deviceName: 'PC contrat' },
    });
    const token = grant.json().token as string;
    await answer(HUB_ROUTES.me, HUB_ROUTES.me.path, { token });
    await answer(HUB_ROUTES.listUsers, HUB_ROUTES.listUsers.path, { token: c.maireToken });
    await answer(HUB_ROUTES.listDevices, HUB_ROUTES.listDevices.path, { token: c.maireToken });
    const created = await answer(HUB_ROUTES.createUser, HUB_ROUTES.createUser.path, {
      token: c.maireToken,
      payload: { username: 'adjoint', displayName: 'Adjoint', role: 'consultation', password: 'un-mot-de-passe-solide' },
    });
    await answer(HUB_ROUTES.disableUser, HUB_ROUTES.disableUser.path.replace(':id', created.json().id), { token: c.maireToken });

    const id = randomUUID();
    const demand = newDemand({ id });
    const upsert = { mutationId: 1, kind: 'upsert', collection: 'electoral.demands', recordId: id, baseVersion: null, data: demand };
    const other = randomUUID();
    const second = { ...upsert, mutationId: 3, recordId: other, data: newDemand({ id: other }) };
    const pushed = await answer(HUB_ROUTES.syncPush, HUB_ROUTES.syncPush.path, { token, payload: { mutations: [upsert, second] } });
    expect(pushed.json().results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied']);
    // A stale change answers the current record inside the refusal.
    const stale = await answer(HUB_ROUTES.syncPush, HUB_ROUTES.syncPush.path, {
      token,
      payload: { mutations: [{ ...upsert, mutationId: 4, baseVersion: 0 }] },
    });
    expect(stale.json().results[0]).toMatchObject({ status: 'rejected', current: { id } });
    const pulled = await answer(HUB_ROUTES.syncPull, `${HUB_ROUTES.syncPull.path}?cursor=0`, { token });
    expect(pulled.json().changes.length).toBeGreaterThan(0);
    const page = await answer(HUB_ROUTES.syncSnapshot, `${HUB_ROUTES.syncSnapshot.path}?limit=1`, { token });
    expect(page.json().next).not.toBeNull();
    await answer(HUB_ROUTES.logout, HUB_ROUTES.logout.path, { token, payload: {} });
  });
});
