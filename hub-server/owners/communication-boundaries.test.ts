import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateMajic } from '../../shared/owners/synthetic-majic.js';
import { createTestHub, type SeededCommune, TEST_BACKENDS, type TestHub } from '../test-support.js';
import { importMajic } from './import.js';

/**
 * R*107 A-3 as the hub counts it (POST /api/v1/owners/communications) at week and month
 * boundaries in Paris time: the hub's clock is set to each instant (only `Date` is faked).
 */
const majic = generateMajic({ insee: '10034', communeName: 'BAR-SUR-SEINE', seed: 7, comptes: 5 });
const dir = mkdtempSync(join(tmpdir(), 'misc-majic-'));
const files = Object.entries(majic.files).map(([name, text]) => {
  writeFileSync(join(dir, name), iconv.encode(text, 'latin1'));
  return join(dir, name);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(TEST_BACKENDS)('R*107 A-3 counted by the hub at week and month boundaries (%s)', (backend) => {
  let hub: TestHub;
  let bar: SeededCommune;
  beforeAll(async () => {
    hub = await createTestHub(backend);
    bar = await hub.seedCommune({ insee: '10034', services: ['majic'] });
    await importMajic(hub.db, { code: '10034', files, millesime: 2026 });
    await hub.app.inject({
      method: 'PUT',
      url: `/api/v1/users/${bar.secretaireUserId}/grants/owners.read`,
      headers: { authorization: `Bearer ${bar.maireToken}` },
    });
  });
  afterAll(() => hub?.close());
  afterEach(() => vi.useRealTimers());

  /** The secretary records a communication to `requester` when the hub's clock says `atUtc`. */
  async function communicate(requester: string, atUtc: string) {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(atUtc));
    try {
      const res = await hub.app.inject({
        method: 'POST',
        url: '/api/v1/owners/communications',
        headers: { authorization: `Bearer ${bar.secretaireToken}` },
        payload: {
          id: randomUUID(),
          requesterName: requester,
          requesterKind: 'tiers',
          ownerDnuper: null,
          compteId: majic.traps.indivision,
          parcels: [],
          purpose: 'projet d’achat',
        },
      });
      return { status: res.statusCode, body: res.json() as { usage?: { week: number; month: number }; message?: string } };
    } finally {
      vi.useRealTimers();
    }
  }

  it('Sunday 23:30 → Monday 00:30 Paris is a new week (winter time)', async () => {
    for (const h of ['17', '18', '19', '20', '21']) expect((await communicate('Agence A', `2026-11-29T${h}:00:00Z`)).status).toBe(200);
    expect((await communicate('Agence A', '2026-11-29T22:30:00Z')).status).toBe(403); // Sunday 23:30
    const monday = await communicate('Agence A', '2026-11-29T23:30:00Z'); // Monday 30/11 00:30
    expect(monday.status).toBe(200);
    expect(monday.body.usage).toEqual({ week: 1, month: 6 });
  });

  it('the 1st resets the month but not the week: 5 a week still binds in a week spanning two months', async () => {
    // Monday 28/09 → Sunday 04/10/2026, summer time (UTC+2).
    for (const d of ['28', '29', '30']) expect((await communicate('Agence B', `2026-09-${d}T08:00:00Z`)).status).toBe(200);
    expect((await communicate('Agence B', '2026-09-30T21:30:00Z')).body.usage).toEqual({ week: 4, month: 4 }); // 30/09 23:30
    const first = await communicate('Agence B', '2026-09-30T22:30:00Z'); // 01/10 00:30: new month, same week
    expect(first.status).toBe(200);
    expect(first.body.usage).toEqual({ week: 5, month: 1 });
    const refused = await communicate('Agence B', '2026-10-02T08:00:00Z');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/5 communications cette semaine/);
    expect((await communicate('Agence B', '2026-10-04T22:00:00Z')).status).toBe(200); // Monday 05/10 00:00
  });

  it('the change back to winter time (25/10/2026) and ISO week 53 into 2027', async () => {
    for (const m of ['00:15', '00:45', '01:15', '01:45', '12:00'])
      expect((await communicate('Agence C', `2026-10-25T${m}:00Z`)).status).toBe(200);
    expect((await communicate('Agence C', '2026-10-25T22:30:00Z')).status).toBe(403); // Sunday 23:30 CET
    expect((await communicate('Agence C', '2026-10-25T23:30:00Z')).status).toBe(200); // Monday 00:30 CET

    for (const d of ['28', '29', '30', '31']) expect((await communicate('Agence D', `2026-12-${d}T08:00:00Z`)).status).toBe(200);
    const newYear = await communicate('Agence D', '2026-12-31T23:30:00Z'); // Friday 01/01/2027 00:30: week 53 still
    expect(newYear.body.usage).toEqual({ week: 5, month: 1 });
    expect((await communicate('Agence D', '2027-01-03T22:30:00Z')).status).toBe(403); // Sunday 03/01 23:30
    expect((await communicate('Agence D', '2027-01-03T23:30:00Z')).status).toBe(200); // Monday 04/01: week 1
  });
});
