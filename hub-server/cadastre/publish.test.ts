import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setServices } from '../accounts/admin.js';
import { createTestHub, type SeededCommune, TEST_BACKENDS, type TestHub } from '../test-support.js';
import { importCadastre, PARCELS, VINTAGES } from './import.js';
import { publishCadastreFor } from './publish.js';
import { live, pullAll, syntheticParcel, writeParcelLayer } from './test-support.js';

/**
 * A commune that opts into the Cadastre service after its plan was imported (for its EPCI)
 * receives it at its next sync, without waiting for the next vintage
 * (`guichet hub admin publish-cadastre`, also run by `set-services`).
 */
const INSEE = '25057';

describe.each(TEST_BACKENDS)('publishing the loaded plan to a collectivité that opts in later (%s)', (backend) => {
  let hub: TestHub;
  let commune: SeededCommune;
  let dir: string;
  beforeAll(async () => {
    hub = await createTestHub(backend);
    commune = await hub.seedCommune({ insee: INSEE, services: ['acts'] });
    await hub.seedGrouping({ kind: 'epci', siren: '200041887', members: ['25354', INSEE], services: ['cadastre'] });
    dir = mkdtempSync(join(tmpdir(), 'misc-cad-publish-'));
  });
  afterAll(async () => {
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the commune its parcels once it has the service, and nothing twice', async () => {
    const parcels = [1, 2, 3].map((n) => syntheticParcel(INSEE, n, n - 1, n, 7500));
    const [summary] = await importCadastre(hub.db, [writeParcelLayer(dir, INSEE, parcels)], { vintage: '2026-10' });
    expect(summary?.sentTo).toEqual(['200041887']);
    expect(live(await pullAll(hub, commune.secretaireToken), PARCELS)).toHaveLength(0);

    await expect(publishCadastreFor(hub.db, INSEE)).rejects.toThrow(/n'a pas le service Cadastre/);
    await setServices(hub.db, INSEE, ['acts', 'cadastre']);
    // Before publication the commune may read the collection, but holds nothing yet: this is the gap.
    expect(live(await pullAll(hub, commune.secretaireToken), PARCELS)).toHaveLength(0);

    expect(await publishCadastreFor(hub.db, INSEE)).toEqual({ name: expect.any(String), communes: 1, written: 4 });
    const pulled = await pullAll(hub, commune.secretaireToken);
    expect(
      live(pulled, PARCELS)
        .map((r) => r.id)
        .sort(),
    ).toEqual([`${INSEE}0000A0001`, `${INSEE}0000A0002`, `${INSEE}0000A0003`]);
    expect(live(pulled, VINTAGES).map((r) => r.id)).toEqual([INSEE]);
    // Idempotent: set-services may run it each time.
    expect((await publishCadastreFor(hub.db, INSEE)).written).toBe(0);
  });
});
