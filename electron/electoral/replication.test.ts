import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeElector } from '../../hub-server/electoral/test-fixtures.js';
import { lockCommune, writeRecords } from '../../hub-server/sync/store.js';
import { electorBaseId } from '../../shared/electoral/elector-id.js';
import { parisDay } from '../../shared/calendar.js';
import { createTestHub, TEST_PASSWORD, type TestHub } from '../../hub-server/test-support.js';
import { generateReuRows, renderReuCsv, type ReuRow } from '../../shared/electoral/synthetic.js';
import { call, openCore } from '../../test/sync/core-harness.js';
import type { ClientCore } from '../core/client-core.js';
import { utf8Bytes } from './reu-variants.js';

/**
 * Two town-hall PCs and a real hub: what one PC imports or types reaches the
 * other through the sync engine and the electoral collections.
 */
let hub: TestHub;
let hubUrl: string;
const INSEE = '10388';

beforeAll(async () => {
  hub = await createTestHub('sqlite');
  hubUrl = await hub.listen();
  await hub.seedCommune({ insee: INSEE, services: ['electoral'] });
});
afterAll(async () => hub.close());

async function pc(username: 'maire' | 'secretaire', deviceName: string): Promise<ClientCore> {
  const core = await openCore(undefined, deviceName);
  await call(core, 'session:login', { hubUrl, insee: INSEE, username, password: TEST_PASSWORD, deviceName });
  return core;
}

async function importRows(core: ClientCore, rows: ReuRow[], fileName: string) {
  const preview = await call(core, 'electoral:import-preview', { fileName, content: utf8Bytes(renderReuCsv(rows)) });
  return call(core, 'electoral:import-commit', { previewId: preview.previewId });
}

const search = (core: ClientCore, query: string) => call(core, 'electoral:search', { query, listType: null, offset: 0, limit: 500 });

describe('electoral list across two PCs', () => {
  it('an import, a second extract and demands reach the other PC', async () => {
    const a = await pc('secretaire', 'PC accueil');
    const b = await pc('maire', 'PC maire');
    try {
      const rows = generateReuRows({ seed: 5, count: 400, inseeCode: INSEE, communeName: 'Commune test' });
      rows[30] = { ...rows[30], birthName: 'SANSBUREAU', bureauCode: '', bureauLabel: '' }; // real extracts have a few
      const first = await importRows(a, rows, `com${INSEE}_electeurs_actifs_01-03-2026.csv`);
      expect((await call(a, 'sync:now', null)).pending).toBe(0);
      const stateB = await call(b, 'sync:now', null);
      expect(stateB.lastError).toBeNull();

      expect((await search(b, '')).total).toBe(400);
      expect((await search(b, 'lafontaine')).items.map((i) => i.birthName)).toEqual(['DE LA FONTAINE']);
      const twins = (await search(b, 'bernard jean pierre')).items.filter((i) => i.birthDate === '1950-03-12');
      expect(twins).toHaveLength(2);
      expect((await call(b, 'electoral:imports', null)).map((i) => i.id)).toEqual([first.id]);
      expect((await search(b, 'sansbureau')).items.map((i) => i.bureauCode)).toEqual(['']);

      // Second extract: one elector gone, one moved to another bureau.
      const next = rows
        .filter((r) => r.birthName !== "D'ARTAGNAN")
        .map((r) => (r.birthName === 'DE LA FONTAINE' ? { ...r, bureauCode: '0009' } : r));
      const second = await importRows(a, next, `com${INSEE}_electeurs_actifs_01-04-2026.csv`);
      expect(second.diff).toEqual({ added: 0, removed: 1, changedBureau: 1, changedAddress: 0 });
      await call(a, 'sync:now', null);
      await call(b, 'sync:now', null);
      expect((await search(b, 'dartagnan')).total).toBe(0);
      expect((await search(b, 'lafontaine')).items[0].bureauCode).toBe('0009');
      expect((await search(b, '')).total).toBe(399);

      // A demand typed on the maire's PC, instructed at the counter, accepted by the maire.
      const elector = (await search(b, 'lafontaine')).items[0];
      const demand = await call(b, 'electoral:create-demand', {
        kind: 'changement_bureau',
        electorId: elector.id,
        applicant: { birthName: 'DE LA FONTAINE', usageName: 'MARTIN', firstNames: 'Jeanne Hélène', birthDate: '1951-07-14' },
        newAddress: null,
        newBureauCode: '0001',
        comment: 'Déménagement dans le bourg',
        depositDate: parisDay(new Date()),
      });
      expect((await call(b, 'electoral:demands', { status: null }))[0]).toMatchObject({ id: demand.id, pending: true, version: null });
      await call(b, 'sync:now', null);
      await call(a, 'sync:now', null);
      const onA = (await call(a, 'electoral:demands', { status: null }))[0];
      expect(onA).toMatchObject({ id: demand.id, status: 'deposee', pending: false, createdBy: demand.createdBy });
      expect(onA.version).toBeGreaterThan(0);
      expect((await call(a, 'electoral:elector', { id: elector.id })).demands.map((d) => d.id)).toEqual([demand.id]);

      await call(a, 'electoral:set-demand-status', { id: demand.id, status: 'instruction' });
      await call(a, 'sync:now', null);
      await call(b, 'sync:now', null);
      expect((await call(b, 'electoral:set-demand-status', { id: demand.id, status: 'acceptee' })).status).toBe('acceptee');
      expect((await call(b, 'sync:now', null)).rejected).toEqual([]);
      await call(a, 'sync:now', null);
      expect((await call(a, 'electoral:demands', { status: 'acceptee' })).map((d) => d.id)).toEqual([demand.id]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('a new PC’s first sync (compact snapshot)', () => {
  it('lays every valid elector down with its id, searchable; an elector that fails the schema is refused, not written', async () => {
    const seeded = await hub.seedCommune({ insee: '10389', services: ['electoral'] });
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    const electors = Array.from({ length: 30 }, (_, n) => makeElector(n + 1, { ine: null, birthName: `DUPONT${n}` }));
    for (const e of electors) e.id = electorBaseId(e, sha);
    // A homonym (same identity, `-2`) and one with an INE: ids the PC cannot or need not derive.
    electors.push({ ...electors[0]!, id: `${electors[0]!.id}-2`, numeroOrdre: 77 });
    electors.push({ ...makeElector(40, { birthName: 'INEMAN' }), id: 'ine-LP-100000040' });
    // Written on the hub as a broken import could have: a birth date the schema refuses.
    const broken = { ...makeElector(41, { ine: null, birthName: 'CASSE', birthDate: '31/12/1970' }) };
    broken.id = electorBaseId(broken, sha);
    const trx = await hub.db.startTransaction().execute();
    await lockCommune(trx, seeded.communeId);
    await writeRecords(
      trx,
      seeded.communeId,
      'electoral.electors',
      [...electors, broken].map((e) => ({ id: e.id, json: JSON.stringify(e) })),
    );
    await trx.commit().execute();

    const core = await openCore(undefined, 'PC neuf');
    await call(core, 'session:login', { hubUrl, insee: '10389', username: 'maire', password: TEST_PASSWORD, deviceName: 'PC neuf' });
    const state = await call(core, 'sync:now', null);
    expect(state.lastError).toBeNull();
    expect((await search(core, '')).total).toBe(electors.length);
    expect((await search(core, 'casse')).total).toBe(0);
    expect((await search(core, 'dupont0')).items.map((i) => i.id).sort()).toEqual([electors[0]!.id, `${electors[0]!.id}-2`].sort());
    expect((await search(core, 'ineman')).items.map((i) => i.id)).toEqual(['ine-LP-100000040']);
    await core.close();
  });
});
