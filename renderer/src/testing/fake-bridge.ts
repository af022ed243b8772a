import type { Channel, EventName, GuichetBridge, GuichetEvents, InputOf, OutputOf } from '../../../shared/api/ipc.js';
import type { SessionState } from '../../../shared/accounts/ipc.js';
import type { CommuneRole } from '../../../shared/accounts/roles.js';
import { registry } from '../../../shared/domains.js';
import { setApi } from '../api/bridge.js';

type Handlers = { [C in Channel]?: (input: InputOf<C>) => OutputOf<C> | Promise<OutputOf<C>> };

/**
 * The renderer's unit boundary for component tests: a GuichetBridge whose
 * channels answer from handlers, recording every call, and whose events the
 * test emits by hand.
 */
export function installFakeBridge(handlers: Handlers) {
  const calls: { channel: Channel; input: unknown }[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const bridge: GuichetBridge = {
    async invoke<C extends Channel>(channel: C, input: InputOf<C>): Promise<OutputOf<C>> {
      calls.push({ channel, input });
      const handler = handlers[channel] as ((i: InputOf<C>) => OutputOf<C> | Promise<OutputOf<C>>) | undefined;
      if (!handler) throw new Error(`fake bridge: no handler for ${channel}`);
      return handler(input);
    },
    on<E extends EventName>(event: E, listener: (payload: GuichetEvents[E]) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (p: unknown) => void);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
  setApi(bridge);
  return {
    calls,
    callsOf: (channel: Channel) => calls.filter((c) => c.channel === channel).map((c) => c.input),
    emit<E extends EventName>(event: E, payload: GuichetEvents[E]) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
  };
}

export function loggedIn(role: CommuneRole = 'secretaire'): SessionState {
  return {
    status: 'logged_in',
    hubUrl: 'https://hub.example',
    user: { id: 'u1', username: 'c.martin', displayName: 'Claire Martin', role, disabled: false },
    commune: {
      kind: 'commune',
      insee: '10387',
      siren: '211003876',
      name: 'Troyes',
      arrondissement: '103',
      members: [],
      services: ['electoral', 'cadastre'],
    },
    services: ['electoral', 'cadastre'],
    permissions: [...registry.permissionsOf(role)],
    deviceName: 'Accueil',
  };
}
