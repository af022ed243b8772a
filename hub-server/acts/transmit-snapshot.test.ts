import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, storeRecords, TEST_BACKENDS, type SeededCommune, type TestHub } from '../test-support.js';
import { readArchive } from './actes-format/archive.js';
import { tiers } from './actes-format/test-fixtures.js';
import { TRANSMIT_COMMAND } from '../../shared/acts/commands.js';
import { startActesForwarder } from './forwarder.js';
import { actRecord, command, freePort, push, uniquePdf, upload, upsertAct } from './test-support.js';

/**
 * What the mayor's transmit command validated is what goes to the
 * prefecture: an edit of the act record afterwards (the push rules refuse
 * it; here written straight into the store) must not change the archive.
 */
describe.each(TEST_BACKENDS)('ACTES transmit sends the validated act (%s)', (backend) => {
  let hub: TestHub;
  let c: SeededCommune;

  beforeAll(async () => {
    hub = await createTestHub(backend);
    c = await hub.seedCommune({ insee: '10387', services: ['acts'] });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('builds the archive from the act as it was when transmitted, not from a later edit', async () => {
    const signed = uniquePdf(`snap-signed-${backend}`);
    const swapped = uniquePdf(`snap-swapped-${backend}`);
    const act = actRecord({ numero: 'SNAP_1', actFile: signed });
    expect(await upload(hub.app, c.secretaireToken, signed)).toBe(204);
    expect(await upload(hub.app, c.secretaireToken, swapped)).toBe(204);
    const [created] = await push(hub.app, c.maireToken, [upsertAct(act)]);
    expect(created.status).toBe('applied');
    const version = created.status === 'applied' ? created.versions[0].version : 0;
    expect((await push(hub.app, c.maireToken, [command(TRANSMIT_COMMAND, { actId: act.id })]))[0].status).toBe('applied');

    // Before the forwarder builds: another document, unsigned, another number. The push rules refuse
    // such an edit (a signed act is frozen)...
    const edited = { ...actRecord({ id: act.id, numero: 'SNAP_2', actFile: swapped, signed: false }) };
    const [edit] = await push(hub.app, c.secretaireToken, [
      { kind: 'upsert', collection: 'acts.acts', recordId: act.id, baseVersion: version, data: edited },
    ]);
    expect(edit.status).toBe('rejected');
    // ...and even if the stored record changed anyway, what was transmitted would not.
    await storeRecords(hub.db, c.communeId, 'acts.acts', [edited]);

    const port = await freePort(); // nobody listens: the archive is built and stored, the POST fails
    const forwarder = startActesForwarder(
      { db: hub.db, endpoint: { url: `https://127.0.0.1:${port}/actes`, caCertPem: '', timeoutMs: 2000 }, tiers },
      false,
    );
    await forwarder.tick();
    await forwarder.stop();
    const row = await hub.db.selectFrom('actes_transmissions').selectAll().where('act_id', '=', act.id).executeTakeFirstOrThrow();
    expect(row.state).toBe('built');
    const entries = await readArchive(row.archive!);
    const contents = entries.map((e) => e.content);
    expect(contents.some((b) => b.equals(signed))).toBe(true);
    expect(contents.some((b) => b.equals(swapped))).toBe(false);
    const xml = entries
      .filter((e) => e.name.endsWith('.xml'))
      .map((e) => e.content.toString('utf8'))
      .join('\n');
    expect(xml).toContain('SNAP_1');
    expect(xml).not.toContain('SNAP_2');
  });
});
