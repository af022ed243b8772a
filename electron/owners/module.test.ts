import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMajic } from '../../shared/owners/majic-parse.js';
import { generateMajic } from '../../shared/owners/synthetic-majic.js';
import { createStandaloneContext } from '../core/test-context.js';
import type { HubClient } from '../hub-client/hub-client.js';
import { compteView, createOwnersModule } from './module.js';
import { KEY_LOST_NOTICE } from './store.js';
import { OWNERS_KEY_SECRET } from './vault.js';

const majic = generateMajic({ insee: '10034', communeName: 'BAR-SUR-SEINE', seed: 4, comptes: 12 });
const comptes = parseMajic(
  Object.entries(majic.files).map(([name, text]) => ({ name, text })),
  { insee: '10034', millesime: 2026 },
);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(grants: string[] = ['owners.read']) {
  const dir = mkdtempSync(join(tmpdir(), 'owners-module-'));
  dirs.push(dir);
  const s = createStandaloneContext({ dataDir: dir, role: 'secretaire', grants, logLevel: 'silent' });
  const mod = createOwnersModule(s.ctx);
  const comptesCollection = mod.collections.find((c) => c.name === 'owners.comptes')!;
  const fill = () =>
    s.db.transaction(() => {
      for (const c of comptes) comptesCollection.apply({ collection: 'owners.comptes', id: c.id, version: 1, deleted: false, data: c });
    })();
  return { ...s, mod, fill, dir };
}
const noHub = {} as HubClient;

describe('the owners module on the PC', () => {
  it('unlocks before the pull and asks once for a snapshot (records skipped by an older build are fetched)', async () => {
    const s = setup();
    await s.mod.beforePush!(noHub);
    expect(s.snapshotRequests()).toBe(1);
    await s.mod.beforePush!(noHub);
    expect(s.snapshotRequests()).toBe(1);
    s.close();
  });

  it('a user without the grant unlocks nothing and asks nothing', async () => {
    const s = setup([]);
    await s.mod.beforePush!(noHub);
    expect(s.snapshotRequests()).toBe(0);
    expect(await s.ctx.platform.secrets.get(OWNERS_KEY_SECRET)).toBeNull();
    s.close();
  });

  it('key lost: the copy is wiped, the user is told in French, a snapshot is asked', async () => {
    const s = setup();
    await s.mod.beforePush!(noHub);
    s.fill();
    await s.ctx.platform.secrets.delete(OWNERS_KEY_SECRET);
    const again = createOwnersModule(s.ctx);
    await again.beforePush!(noHub);
    expect(s.snapshotRequests()).toBe(2);
    const state = await again.handlers['owners:state'](null);
    expect(state).toMatchObject({ comptes: 0, notice: KEY_LOST_NOTICE });
    s.close();
  });

  it('the session end locks the copy without deleting it; opening a compte queues the consultation', async () => {
    const s = setup();
    await s.mod.beforePush!(noHub);
    s.fill();
    const view = await s.mod.handlers['owners:compte']({ id: comptes[0]!.id });
    expect(view.owners.length).toBeGreaterThan(0);
    const queued = s.outbox.list().map((e) => e.entry);
    expect(queued).toEqual([expect.objectContaining({ kind: 'command', name: 'owners.consult' })]);
    // End of session: the key leaves memory, the rows stay encrypted (cleared when the scope narrows);
    // the next session of a user with the grant reads them again with the key from the secret store.
    s.mod.onSessionEnd!();
    expect(s.db.prepare('SELECT count(*) FROM owners_comptes').pluck().get()).toBe(comptes.length);
    expect((await s.mod.handlers['owners:compte']({ id: comptes[0]!.id })).owners.length).toBeGreaterThan(0);
    s.close();
  });

  it('shows an owner’s street number as people write it, not MAJIC’s zero-padded one', () => {
    const owner = comptes[0]!.owners[0]!;
    const view = compteView({ ...comptes[0]!, owners: [{ ...owner, address: ['', '0020B ROUTE DE TROYES', '', '10000 TROYES'] }] });
    expect(view.owners[0]!.postalAddress).toBe('20 B ROUTE DE TROYES, 10000 TROYES');
  });
});
