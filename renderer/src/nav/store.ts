import { create } from 'zustand';
import type { Route } from '../domains.js';

export type { Route };

/** The screen shown. In memory on purpose: the URL fragment carries the web host secret. */
interface NavState {
  route: Route;
  go(route: Route): void;
}

export const useNav = create<NavState>((set) => ({
  route: { name: 'home' },
  go: (route) => set({ route }),
}));
