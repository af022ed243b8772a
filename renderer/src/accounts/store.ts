import { create } from 'zustand';
import type { CreateUserRequest, DeviceInfo, PasswordReset, UserInfo } from '../../../shared/accounts/types.js';
import { api, messageOf } from '../api/bridge.js';

/** The nominative permission the mayor grants in this screen. */
export const OWNERS_READ = 'owners.read';

/** Users and devices of the commune (mayor only: the hub checks users.manage on each call). */
interface AccountsStore {
  users: UserInfo[];
  devices: DeviceInfo[];
  loading: boolean;
  error: string | null;
  notice: string | null;
  /** Temporary passwords just given by the hub: shown once, forgotten when the panel is closed or at logout. */
  shownPasswords: ShownPasswords | null;
  loadUsers(): Promise<void>;
  loadDevices(): Promise<void>;
  createUser(input: CreateUserRequest): Promise<boolean>;
  disableUser(id: string): Promise<void>;
  revokeDevice(id: string, resetPasswords?: boolean): Promise<void>;
  resetPassword(id: string): Promise<void>;
  /** The mayor gives or withdraws the consultation of owners (MAJIC) to one user: online, the hub decides. */
  setOwnersGrant(id: string, granted: boolean): Promise<void>;
  forgetPasswords(): void;
}

export interface ShownPasswords {
  resets: PasswordReset[];
  /** Users of a revoked device left as they are (the caller, mayors). */
  notReset: UserInfo[];
}

export const useAccounts = create<AccountsStore>((set, get) => {
  async function run(call: () => Promise<unknown>, notice: string | null = null): Promise<boolean> {
    set({ loading: true, error: null, notice: null });
    try {
      await call();
      set({ loading: false, notice });
      return true;
    } catch (e) {
      set({ loading: false, error: messageOf(e) });
      return false;
    }
  }
  return {
    users: [],
    devices: [],
    loading: false,
    error: null,
    notice: null,
    shownPasswords: null,
    loadUsers: async () => void (await run(async () => set({ users: await api().invoke('accounts:users', null) }))),
    loadDevices: async () => void (await run(async () => set({ devices: await api().invoke('accounts:devices', null) }))),
    createUser: (input) =>
      run(async () => {
        await api().invoke('accounts:create-user', input);
        set({ users: await api().invoke('accounts:users', null) });
      }, `Le compte « ${input.username} » est créé avec le mot de passe provisoire ${input.password} : communiquez-le à la personne, de vive voix.`),
    disableUser: async (id) =>
      void (await run(async () => {
        const updated = await api().invoke('accounts:disable-user', { id });
        set({ users: get().users.map((u) => (u.id === id ? updated : u)) });
      }, 'Le compte est désactivé.')),
    revokeDevice: async (id, resetPasswords = false) =>
      void (await run(async () => {
        const answer = await api().invoke('accounts:revoke-device', resetPasswords ? { id, resetPasswords } : { id });
        set({
          devices: get().devices.map((d) => (d.id === id ? answer.device : d)),
          shownPasswords: resetPasswords ? { resets: answer.passwordResets, notReset: answer.notReset } : null,
        });
      }, 'Le poste est révoqué : il ne pourra plus se synchroniser.')),
    resetPassword: async (id) =>
      void (await run(async () => {
        const reset = await api().invoke('accounts:reset-password', { id });
        set({ shownPasswords: { resets: [reset], notReset: [] } });
      }, 'Le mot de passe est réinitialisé : les sessions de ce compte sont fermées.')),
    setOwnersGrant: async (id, granted) =>
      void (await run(
        async () => {
          const answer = await api().invoke(granted ? 'owners:grant' : 'owners:revoke', { userId: id });
          const grants = (u: UserInfo) => [...(u.grants ?? []).filter((g) => g !== OWNERS_READ), ...(answer.granted ? [OWNERS_READ] : [])];
          set({ users: get().users.map((u) => (u.id === id ? { ...u, grants: grants(u) } : u)) });
        },
        granted
          ? 'L’autorisation est donnée : elle vaut dès la prochaine connexion de la personne.'
          : 'L’autorisation est retirée : le hub refuse dès maintenant, le poste efface sa copie à la prochaine connexion.',
      )),
    forgetPasswords: () => set({ shownPasswords: null }),
  };
});
