import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** What the switch needs of a hub: its address, and a way to stop it. */
export interface SwitchableHub {
  url: string;
  close(): Promise<void>;
}

/**
 * The demo's « h » + Entrée: stops the hub alone, or starts it again, while the
 * PC and the simulator keep running — so a visitor sees the PC work offline
 * and catch up, without Ctrl+C (which stops the whole demo).
 */
export function hubSwitch<H extends SwitchableHub>(opts: {
  input: Readable;
  first: H;
  start(): Promise<H>;
  say(line: string): void;
}): { current(): H | null; close(): void } {
  let hub: H | null = opts.first;
  let busy = false;
  const lines = createInterface({ input: opts.input });
  lines.on('line', (line) => {
    if (line.trim().toLowerCase() !== 'h' || busy) return;
    busy = true;
    const running = hub;
    const step = running
      ? running.close().then(() => {
          hub = null;
          opts.say('Hub arrêté. Le poste est hors ligne : ses modifications attendent. (h + Entrée pour le relancer)');
        })
      : opts.start().then((h) => {
          hub = h;
          opts.say(`Hub relancé sur ${h.url} : le poste envoie ce qui attendait à sa prochaine synchronisation.`);
        });
    step
      .catch((err: unknown) => opts.say(`Hub : ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        busy = false;
      });
  });
  return { current: () => hub, close: () => lines.close() };
}
