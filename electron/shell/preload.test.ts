import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS, EVENT_NAMES } from '../../shared/api/ipc.js';
import { UPDATE_CHANNELS } from '../../shared/api/updates.js';

const h = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: [] as [string, unknown][],
  listeners: new Map<string, Set<(...args: unknown[]) => void>>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => h.exposed.set(key, api) },
  ipcRenderer: {
    invoke: async (channel: string, input: unknown) => {
      h.invoke.push([channel, input]);
      return { ok: true, value: channel };
    },
    on: (channel: string, fn: (...args: unknown[]) => void) => {
      if (!h.listeners.has(channel)) h.listeners.set(channel, new Set());
      h.listeners.get(channel)!.add(fn);
    },
    removeListener: (channel: string, fn: (...args: unknown[]) => void) => h.listeners.get(channel)?.delete(fn),
    send: () => {
      throw new Error('the preload must not use send');
    },
  },
}));

await import('./preload.js');

interface Bridge {
  invoke(channel: string, input: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}
const bridge = () => h.exposed.get('guichet') as Bridge;

describe('preload bridge', () => {
  beforeEach(() => {
    h.invoke.length = 0;
  });

  it('exposes exactly window.guichet = { invoke, on }, nothing else', () => {
    expect([...h.exposed.keys()]).toEqual(['guichet']);
    expect(Object.keys(bridge()).sort()).toEqual(['invoke', 'on']);
    expect(typeof bridge().invoke).toBe('function');
  });

  it('forwards every contract channel and the update channels to main', async () => {
    for (const channel of [...CHANNELS, ...UPDATE_CHANNELS]) {
      expect(await bridge().invoke(channel, { x: 1 })).toEqual({ ok: true, value: channel });
    }
    expect(h.invoke.map(([c]) => c)).toEqual([...CHANNELS, ...UPDATE_CHANNELS]);
  });

  it('answers a not_found envelope for an unknown channel without touching IPC', async () => {
    for (const channel of ['ELECTRON_BROWSER_REQUIRE', 'guichet-event:sync:state', 'admin:shell', '__proto__', 42 as unknown as string]) {
      expect(await bridge().invoke(channel, null)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    expect(h.invoke).toHaveLength(0);
  });

  it('delivers event payloads (never the IPC event object) and unsubscribes', () => {
    const received: unknown[] = [];
    const off = bridge().on('sync:state', (p) => received.push(p));
    const [fn] = h.listeners.get('guichet-event:sync:state')!;
    fn({ sender: 'ipc-event-object' }, { pending: 3 });
    expect(received).toEqual([{ pending: 3 }]);
    off();
    expect(h.listeners.get('guichet-event:sync:state')!.size).toBe(0);
    for (const event of EVENT_NAMES) bridge().on(event, () => {})();
    bridge().on('update:state', () => {})();
  });

  it('refuses to subscribe to an unknown event', () => {
    expect(() => bridge().on('ELECTRON_X', () => {})).toThrow(/inconnu/);
    expect(h.listeners.has('guichet-event:ELECTRON_X')).toBe(false);
  });
});
