import { create } from 'zustand';
import type { EnrollInput, LoginInput, SessionState } from '../../../shared/accounts/ipc.js';
import type { ChangePasswordRequest } from '../../../shared/accounts/types.js';
import type { Permission } from '../../../shared/accounts/roles.js';
import { api, messageOf } from '../api/bridge.js';

/** Shown instead of the contract's wording ("hub" means nothing at the counter). */
export const HUB_URL_INVALID = "L'adresse du serveur n'est pas valide : recopiez-la depuis le courrier, elle commence par https://";

interface SessionStore {
  session: SessionState | null;
  loading: boolean;
  busy: boolean;
  error: string | null;
  load(): Promise<void>;
  enroll(input: EnrollInput): Promise<boolean>;
  login(input: LoginInput): Promise<boolean>;
  logout(): Promise<void>;
  changePassword(input: ChangePasswordRequest): Promise<boolean>;
  clearError(): void;
  /** Follow the core's `session:state` events (a grant withdrawn on the hub); returns the unsubscribe. */
  start(): () => void;
}

export const useSession = create<SessionStore>((set) => {
  /** Every session call has the same shape: busy flag, new state, French error. */
  async function run(call: () => Promise<SessionState>): Promise<boolean> {
    set({ busy: true, error: null });
    try {
      set({ session: await call(), busy: false });
      return true;
    } catch (e) {
      set({ busy: false, error: messageOf(e) });
      return false;
    }
  }
  return {
    session: null,
    loading: true,
    busy: false,
    error: null,
    async load() {
      set({ loading: true });
      await run(() => api().invoke('session:get', null));
      set({ loading: false });
    },
    enroll: (input) => run(() => api().invoke('session:enroll', input)),
    login: (input) => run(() => api().invoke('session:login', input)),
    async logout() {
      await run(() => api().invoke('session:logout', null));
    },
    changePassword: (input) => run(() => api().invoke('session:change-password', input)),
    clearError: () => set({ error: null }),
    start: () => api().on('session:state', (session) => set({ session })),
  };
});

export function useCan(permission: Permission): boolean {
  return useSession((s) => s.session?.permissions.includes(permission) ?? false);
}
