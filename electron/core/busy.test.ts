import { describe, expect, it } from 'vitest';
import { createBusyRegistry } from './busy.js';

describe('busy registry', () => {
  it('is busy while any marked work runs and tells once everything has ended', async () => {
    const busy = createBusyRegistry();
    let idle = 0;
    busy.onIdle(() => idle++);
    const endSession = busy.begin('assistance', "session d'assistance");
    let release!: () => void;
    const importing = busy.run('import', 'import de la liste électorale', () => new Promise<void>((r) => (release = r)));
    expect(busy.isBusy()).toBe(true);
    expect(busy.current().map((e) => e.kind)).toEqual(['assistance', 'import']);
    endSession();
    endSession(); // a second call changes nothing
    expect(idle).toBe(0);
    expect(busy.isBusy()).toBe(true);
    release();
    await importing;
    expect(busy.isBusy()).toBe(false);
    expect(idle).toBe(1);
  });

  it('unmarks work that fails', async () => {
    const busy = createBusyRegistry();
    await expect(busy.run('signature', 'signature', async () => Promise.reject(new Error('carte absente')))).rejects.toThrow(
      'carte absente',
    );
    expect(busy.isBusy()).toBe(false);
  });

  it('is busy while a watched condition holds (a queued transmission) and tells once it no longer does', () => {
    const busy = createBusyRegistry();
    let queued = false;
    let idle = 0;
    busy.onIdle(() => idle++);
    busy.watch('transmission', "transmission d'un acte à la préfecture", () => queued);
    busy.recheck();
    expect(idle).toBe(0); // never seen busy: nobody waits
    queued = true;
    expect(busy.isBusy()).toBe(true);
    expect(busy.current().map((e) => e.kind)).toEqual(['transmission']);
    const end = busy.begin('import', 'import');
    queued = false;
    busy.recheck();
    expect(idle).toBe(0); // the import still runs
    end();
    expect(idle).toBe(1);
    expect(busy.isBusy()).toBe(false);
  });
});
