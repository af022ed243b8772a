/**
 * What the PC is busy with right now, so that nothing disruptive (an update's restart to install)
 * cuts it off: an import, a signature, a transmission, an assistance session. Domains and the core
 * mark their work with `busy.run(kind, label, fn)` (or `begin` … `end()` for work spanning events,
 * like an assistance session); `electron/updates/` asks `isBusy()` before installing and waits for
 * `onIdle`. Plain Node, no Electron: one registry per client core, injected where needed.
 */
export type BusyKind = 'import' | 'signature' | 'transmission' | 'assistance' | 'sync';

export interface BusyEntry {
  kind: BusyKind;
  /** French, for the log and the update banner (« import de la liste électorale »). Never personal data. */
  label: string;
  since: number;
}

export interface BusyRegistry {
  /** Marks work as running; call the answer once it is over (calling it twice is harmless). */
  begin(kind: BusyKind, label: string): () => void;
  /** Runs `fn` marked busy, unmarked however it ends. */
  run<T>(kind: BusyKind, label: string, fn: () => Promise<T>): Promise<T>;
  isBusy(): boolean;
  /** What runs now (oldest first). */
  current(): BusyEntry[];
  /** Called each time the last running work ends; answers how to stop listening. */
  onIdle(listener: () => void): () => void;
}

export function createBusyRegistry(now: () => number = Date.now): BusyRegistry {
  const running = new Map<number, BusyEntry>();
  const idleListeners = new Set<() => void>();
  let next = 0;

  const begin = (kind: BusyKind, label: string) => {
    const id = next++;
    running.set(id, { kind, label, since: now() });
    return () => {
      if (!running.delete(id) || running.size > 0) return;
      for (const l of [...idleListeners]) l();
    };
  };

  return {
    begin,
    async run(kind, label, fn) {
      const end = begin(kind, label);
      try {
        return await fn();
      } finally {
        end();
      }
    },
    isBusy: () => running.size > 0,
    current: () => [...running.values()].sort((a, b) => a.since - b.since),
    onIdle(listener) {
      idleListeners.add(listener);
      return () => idleListeners.delete(listener);
    },
  };
}
