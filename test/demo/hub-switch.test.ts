import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { hubSwitch } from '../../build/cli/hub-switch.js';
import { createHubLogger } from '../../hub-server/log.js';
import { startHub } from '../../hub-server/server.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
const answers = (url: string) =>
  fetch(`${url}/health`).then(
    () => true,
    () => false,
  );
const until = async (check: () => Promise<boolean> | boolean) => {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
};

describe('demo: « h » + Entrée stops and restarts the hub alone', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('stops the hub, starts it again on the same address, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-demo-switch-'));
    dirs.push(dir);
    const port = await freePort();
    const start = () => startHub({ port, dataDir: dir, log: createHubLogger({ level: 'silent' }), handleSignals: false });
    const keys = new PassThrough();
    const said: string[] = [];
    const hub = await start();
    const sw = hubSwitch({ input: keys, first: hub, start, say: (l) => said.push(l) });
    try {
      expect(await answers(hub.url)).toBe(true);
      keys.write('x\n'); // any other key does nothing
      keys.write('h\n');
      await until(() => sw.current() === null);
      expect(await answers(hub.url)).toBe(false);
      expect(said).toEqual(['Hub arrêté. Le poste est hors ligne : ses modifications attendent. (h + Entrée pour le relancer)']);

      keys.write('H\n');
      await until(() => sw.current() !== null);
      expect(sw.current()!.url).toBe(hub.url);
      expect(await answers(hub.url)).toBe(true);
      expect(said[1]).toBe(`Hub relancé sur ${hub.url} : le poste envoie ce qui attendait à sa prochaine synchronisation.`);
    } finally {
      sw.close();
      await sw.current()?.close();
    }
  });

  it('is what the README tells a visitor (and the README no longer says the mayor logs in, nor Ctrl+C for the hub)', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const demo = readme.slice(readme.indexOf('## La démo'), readme.indexOf('## La commande `guichet`'));
    const printed = readFileSync(join(import.meta.dirname, '..', '..', 'build', 'cli', 'demo-command.ts'), 'utf8');
    expect(printed).toContain('Tapez h puis Entrée pour couper le hub seul');
    expect(demo).toContain('tapez **`h` puis Entrée**');
    expect(demo).toContain('**Ctrl+C arrête toute la démo**');
    expect(demo).toContain('déjà connecté');
    expect(demo).not.toMatch(/Le maire se connecte|couper le hub \(Ctrl\+C\)/);
  });
});
