import { GuideScreen } from '../help/GuideScreen.js';
import type { ScreenSpec } from '../nav/ui-spec.js';
import { HomeScreen } from './HomeScreen.js';

/** The shell's own screens, open to anyone logged in. */
export type CoreRoute = { name: 'home' } | { name: 'guide' };

export const CORE_SCREENS: { [N in CoreRoute['name']]: ScreenSpec<Extract<CoreRoute, { name: N }>> } = {
  home: { title: 'Accueil', permission: null, menu: 'Accueil', render: () => <HomeScreen /> },
  guide: { title: "Guide d'utilisation", permission: null, render: () => <GuideScreen /> },
};
