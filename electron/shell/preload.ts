import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS, EVENT_NAMES } from '../../shared/api/ipc.js';
import { UPDATE_CHANNELS, UPDATE_EVENT } from '../../shared/api/updates.js';
import { eventChannel } from './ipc-names.js';

/**
 * The only bridge between the sandboxed page and main: `window.guichet`
 * with exactly invoke(channel, input) and on(event, listener). Whitelists
 * come from the shared contract, so a compromised page cannot reach any
 * other IPC channel, and never sees `ipcRenderer` or the IPC event object.
 */
const allowedChannels = new Set<string>([...CHANNELS, ...UPDATE_CHANNELS]);
const allowedEvents = new Set<string>([...EVENT_NAMES, UPDATE_EVENT]);

const bridge = {
  invoke(channel: string, input: unknown): Promise<unknown> {
    if (typeof channel !== 'string' || !allowedChannels.has(channel)) {
      // Errors travel as data, like every other answer.
      return Promise.resolve({
        ok: false,
        error: { code: 'not_found', message: "Cette fonction n'existe pas.", detail: 'unknown channel' },
      });
    }
    return ipcRenderer.invoke(channel, input);
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (typeof event !== 'string' || !allowedEvents.has(event)) throw new Error(`Événement inconnu : ${String(event)}`);
    if (typeof listener !== 'function') throw new Error("L'écouteur doit être une fonction.");
    const channel = eventChannel(event);
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('guichet', bridge);
