import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWER_COMMAND, CANCEL_COMMAND, TRANSMIT_COMMAND } from '../../shared/acts/commands.js';
import { registry } from '../../shared/domains.js';
import { ELECTORAL_IMPORT_COMMAND } from '../../shared/electoral/schemas.js';
import { OWNERS_CONSULT_COMMAND } from '../../shared/owners/domain.js';
import { MAX_RECORD_BYTES, PAGE_BYTE_BUDGET, type PullResponse, type PushResponse } from '../../shared/sync/protocol.js';
import { actRecord, uniquePdf } from '../acts/test-support.js';
import { makeDemand, makeImportRecord, makeRegisterRecords } from '../electoral/test-fixtures.js';
import { createTestHub, TEST_BACKENDS, type SeededCommune, type TestHub } from '../test-support.js';
import { lockCommune, writeRecords } from './store.js';

/**
 * Oversized values never land (issue « Hardening », item 1): every string of every pushed record and command
 * is bounded by its schema, a record's JSON is capped, and a pull page stays sendable even when the hub
 * already holds a huge record (written before the caps).
 */
const HUGE = 'x'.repeat(2 * 1024 * 1024);

/** A valid sample per client-writable collection, then the same with one string field made huge. */
const SAMPLES: Record<string, () => { ok: object; huge: object[] }> = {
  'electoral.demands': () => {
    const d = makeDemand({ status: 'deposee' });
    return {
      ok: d,
      huge: [
        { ...d, createdAtLocal: HUGE },
        { ...d, comment: HUGE },
        { ...d, electorId: HUGE },
      ],
    };
  },
  'acts.acts': () => {
    const a = actRecord({ numero: `GROS_${randomUUID().slice(0, 4).toUpperCase()}`, actFile: uniquePdf(randomUUID()), signed: false });
    return {
      ok: a,
      huge: [
        { ...a, createdAtLocal: HUGE },
        { ...a, draft: { ...a.draft, objet: HUGE } },
        { ...a, createdBy: HUGE },
      ],
    };
  },
};

// The registers of issue 10: one string field of each made huge.
const REGISTER_FIELDS: Record<string, string> = {
  'electoral.polls': 'label',
  'electoral.procurations': 'authority',
  'electoral.communications': 'extract',
  'electoral.consultations': 'consultant',
  'electoral.bureaux': 'address',
  'electoral.streets': 'street',
};
for (const [name, field] of Object.entries(REGISTER_FIELDS))
  SAMPLES[name] = () => {
    const ok = makeRegisterRecords()[name];
    return {
      ok,
      huge: [
        { ...ok, [field]: HUGE },
        { ...ok, createdBy: HUGE },
      ],
    };
  };

/** A payload per command with one string field made huge. */
const HUGE_PAYLOADS: Record<string, object> = {
  [ELECTORAL_IMPORT_COMMAND]: { import: { ...makeImportRecord(0), fileName: HUGE }, electors: [] },
  [TRANSMIT_COMMAND]: { actId: HUGE },
  [CANCEL_COMMAND]: { actId: HUGE },
  [ANSWER_COMMAND]: { actId: randomUUID(), letterId: HUGE, type: '3-4', files: [] },
  [OWNERS_CONSULT_COMMAND]: {
    id: randomUUID(),
    kind: 'consultation',
    compteId: '100034000001',
    parcels: [],
    forWhom: HUGE,
    purpose: 'accueil',
  },
};

describe.each(TEST_BACKENDS)('oversized values (%s)', (backend) => {
  let hub: TestHub;
  let commune: SeededCommune;
  let mutationId = 0;
  beforeAll(async () => {
    hub = await createTestHub(backend);
    commune = await hub.seedCommune({ insee: '10387', services: ['electoral', 'acts', 'majic'] });
    // Owners are read only by a user the mayor named: the mayor names himself, so every command is his to send.
    const grant = await hub.app.inject({
      method: 'PUT',
      url: `/api/v1/users/${commune.maireUserId}/grants/owners.read`,
      headers: { authorization: `Bearer ${commune.maireToken}` },
    });
    expect(grant.statusCode).toBe(200);
  });
  afterAll(async () => hub.close());

  async function push(mutation: object) {
    const res = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/sync/push',
      headers: { authorization: `Bearer ${commune.maireToken}` },
      payload: { mutations: [{ mutationId: ++mutationId, ...mutation }] },
    });
    expect(res.statusCode).toBe(200);
    return (res.json() as PushResponse).results[0]!;
  }

  it('covers every client-writable collection and every command (so it cannot pass by forgetting one)', () => {
    const writable = registry.collectionNames.filter((n) => registry.collection(n)?.writer === 'client');
    expect(Object.keys(SAMPLES).sort()).toEqual(writable.sort());
    const commands = registry.domains.flatMap((d) => Object.keys(d.commands));
    expect(Object.keys(HUGE_PAYLOADS).sort()).toEqual(commands.sort());
  });

  it('refuses a record with an oversized field, in French, and keeps nothing', async () => {
    for (const [collection, sample] of Object.entries(SAMPLES)) {
      const { huge } = sample();
      for (const data of huge) {
        const id = (data as { id: string }).id;
        const r = await push({ kind: 'upsert', collection, recordId: id, baseVersion: null, data });
        expect(r, `${collection}`).toMatchObject({ status: 'rejected', reason: { code: 'invalid_input' } });
        expect((r as { reason: { message: string } }).reason.message).toMatch(/[a-zé]/);
      }
    }
    const pull = await hub.app.inject({
      method: 'GET',
      url: '/api/v1/sync/pull?cursor=0',
      headers: { authorization: `Bearer ${commune.maireToken}` },
    });
    expect(
      (pull.json() as PullResponse).changes.filter((c) => c.collection === 'electoral.demands' || c.collection === 'acts.acts'),
    ).toEqual([]);
  });

  it('refuses a command whose payload carries an oversized value', async () => {
    for (const [name, payload] of Object.entries(HUGE_PAYLOADS)) {
      const r = await push({ kind: 'command', name, payload });
      expect(r, name).toMatchObject({ status: 'rejected', reason: { code: 'invalid_input' } });
    }
  });

  it('lets the largest act the schema allows through (the record cap never refuses a legitimate record)', async () => {
    const a = actRecord({ numero: 'CAP_1', actFile: uniquePdf(randomUUID()), signed: false });
    const annexes = Array.from({ length: 100 }, (_, i) => ({
      sha256: `${i.toString(16).padStart(2, '0')}${'ab'.repeat(31)}`,
      fileName: `${'a'.repeat(240)}-${i}.pdf`,
    }));
    const big = {
      ...a,
      draft: {
        ...a.draft,
        objet: 'o'.repeat(499),
        annexes: annexes.map((f) => ({ fileName: f.fileName, size: 1, kind: 'pdf', typology: '99_AU' })),
      },
      annexFiles: annexes.map((f) => ({ sha256: f.sha256, fileName: f.fileName, size: 1, mime: 'application/pdf' })),
    };
    expect(Buffer.byteLength(JSON.stringify(big))).toBeLessThan(MAX_RECORD_BYTES);
    const r = await push({ kind: 'upsert', collection: 'acts.acts', recordId: a.id, baseVersion: null, data: big });
    expect(r).toMatchObject({ status: 'applied' });
  });

  it('serves huge records already stored one page at a time instead of failing the pull', async () => {
    const other = await hub.seedCommune({ insee: '10033', services: ['electoral'] });
    const blob = JSON.stringify({ ...makeDemand(), comment: 'y'.repeat(Math.ceil(PAGE_BYTE_BUDGET * 0.6)) });
    await hub.db.transaction().execute(async (trx) => {
      await lockCommune(trx, other.communeId);
      await writeRecords(
        trx,
        other.communeId,
        'electoral.demands',
        [1, 2, 3].map((i) => ({ id: `legacy-${i}`, json: blob })),
      );
    });
    let cursor = 0;
    const pages: number[] = [];
    for (let guard = 0; guard < 10; guard++) {
      const res = await hub.app.inject({
        method: 'GET',
        url: `/api/v1/sync/pull?cursor=${cursor}`,
        headers: { authorization: `Bearer ${other.maireToken}` },
      });
      expect(res.statusCode).toBe(200);
      const page = res.json() as PullResponse;
      pages.push(page.changes.length);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    expect(pages.reduce((a, b) => a + b, 0)).toBe(3);
    expect(Math.max(...pages)).toBeLessThanOrEqual(2);
  });
});
