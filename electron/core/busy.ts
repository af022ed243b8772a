/**
 * What the PC is busy with right now, so that nothing disruptive (an update's restart to install)
 * cuts it off: an import, a signature, a transmission, an assistance session. Domains and the core
 * mark their work with `busy.run(kind, label, fn)` (or `begin` … `end()` for work spanning events,
 * like an assistance session); work that lives in the database rather than in a call (a transmission
 * queued in the outbox until the hub acknowledges it) is a `watch`ed condition, read each time the
 * registry is asked. `electron/updates/` asks `isBusy()` before installing and waits for `onIdle`.
 * Plain Node, no Electron: one registry per client core, injected where needed.
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
  /** Busy whenever `probe()` answers true (read on every question); answers how to stop watching. */
  watch(kind: BusyKind, label: string, probe: () => boolean): () => void;
  /** A watched condition may have turned false (the outbox changed): tells the idle listeners if nothing runs now. */
  recheck(): void;
}

export function createBusyRegistry(now: () => number = Date.now): BusyRegistry {
  const running = new Map<number, BusyEntry>();
  const watched = new Map<number, { kind: BusyKind; label: string; probe: () => boolean; since: number | null }>();
  const idleListeners = new Set<() => void>();
  let next = 0;

  /** The watched conditions true now; each keeps the time it was first seen true, for `current()`'s order. */
  const watchedNow = (): BusyEntry[] => {
    const out: BusyEntry[] = [];
    for (const w of watched.values()) {
      if (!w.probe()) {
        w.since = null;
        continue;
      }
      w.since ??= now();
      out.push({ kind: w.kind, label: w.label, since: w.since });
    }
    return out;
  };
  const isBusy = () => running.size > 0 || watchedNow().length > 0;
  const tellIdle = () => {
    if (isBusy()) return;
    for (const l of [...idleListeners]) l();
  };

  const begin = (kind: BusyKind, label: string) => {
    const id = next++;
    running.set(id, { kind, label, since: now() });
    return () => {
      if (!running.delete(id)) return;
      tellIdle();
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
    isBusy,
    current: () => [...running.values(), ...watchedNow()].sort((a, b) => a.since - b.since),
    onIdle(listener) {
      idleListeners.add(listener);
      return () => idleListeners.delete(listener);
    },
    watch(kind, label, probe) {
      const id = next++;
      watched.set(id, { kind, label, probe, since: null });
      return () => {
        if (watched.delete(id)) tellIdle();
      };
    },
    recheck() {
      // Only a condition seen true (by a caller that may now wait for idle) can end.
      if ([...watched.values()].some((w) => w.since !== null)) tellIdle();
    },
  };
}
