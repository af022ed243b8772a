/**
 * Composition root of the renderer: the one list of the domains' screens. Add a
 * domain here (one line) with its `renderer/src/<domain>/routes.tsx`; the menu,
 * the access check, the home page and the logout reset iterate this list.
 */
import { accountsUi } from './accounts/routes.js';
import { actsUi } from './acts/routes.js';
import { assistanceUi } from './assistance/routes.js';
import { cadastreUi } from './cadastre/routes.js';
import { electoralUi } from './electoral/routes.js';
import { ownersUi } from './owners/routes.js';
import type { CoreRoute } from './home/routes.js';
import type { RouteOf } from './nav/ui-spec.js';

/** In menu order. */
export const DOMAIN_UIS = [electoralUi, actsUi, cadastreUi, ownersUi, accountsUi, assistanceUi] as const;

/** Every screen of the app: the shell's own (home, guide) and each domain's. */
export type Route = CoreRoute | RouteOf<(typeof DOMAIN_UIS)[number]>;
