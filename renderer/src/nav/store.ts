import { create } from 'zustand';

/** Screens of the app. In-memory on purpose: the URL fragment carries the web host secret. */
export type Route =
  | { name: 'home' }
  | { name: 'search' }
  | { name: 'elector'; id: string }
  | { name: 'import' }
  | { name: 'demands' }
  | { name: 'demand-new'; electorId: string | null }
  | { name: 'users' }
  | { name: 'devices' }
  | { name: 'acts' }
  | { name: 'act'; id: string }
  | { name: 'act-new' }
  | { name: 'act-certificate' };

interface NavState {
  route: Route;
  go(route: Route): void;
}

export const useNav = create<NavState>((set) => ({
  route: { name: 'home' },
  go: (route) => set({ route }),
}));
