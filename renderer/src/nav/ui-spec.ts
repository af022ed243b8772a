import type { ReactNode } from 'react';
import type { DomainSpecBase } from '../../../shared/domain/spec.js';
import type { Permission } from '../../../shared/domains.js';

/**
 * How a domain declares its screens once, in `renderer/src/<domain>/routes.tsx`:
 * its routes (title, permission, component, menu entry, parent for sub-screens),
 * its home tiles and the reset of its stores at logout. Nothing here names a
 * domain: the list lives only in `renderer/src/domains.ts`.
 */

/** A screen's address: its name and the parameters it needs (in memory: the URL fragment carries the web host secret). */
export interface RouteBase {
  name: string;
}

export interface ScreenSpec<R extends RouteBase> {
  /** Window title and what the menu is about. */
  title: string;
  /** Needed to open the screen (with the domain's service); null = anyone logged in. */
  permission: Permission | null;
  render(route: R): ReactNode;
  /** Its label in the menu, when the screen has an entry of its own. */
  menu?: string;
  /** For a sub-screen (a fiche, an act): the route whose menu entry is marked current. */
  parent?: string;
  /** What a user who may not open it reads on direct navigation, instead of the general refusal. */
  denied?: string;
}

/** A tile of the home page. */
export interface HomeTile {
  /** Heading of the tile; defaults to the service's name. */
  title?: string;
  /** What the user does there, in one sentence. */
  text: string;
  /** What the button opens and says. */
  open: RouteBase;
  openLabel: string;
  /** Shown instead of the button to a role that may not open it; without it the tile is left out for that role. */
  denied?: string;
  /** Live content under the text (reminders, counts), shown only to a role that may open the tile. */
  body?: () => ReactNode;
}

export interface DomainUi<R extends RouteBase = RouteBase> {
  /** The shared declaration: its id and the service the collectivité opts into (null = always on). */
  domain: Pick<DomainSpecBase, 'id' | 'service'>;
  /** Title of its group in the menu (the service's name for the user). */
  group: string;
  screens: { [N in R['name']]: ScreenSpec<Extract<R, { name: N }>> };
  tiles: readonly HomeTile[];
  /** Shown on the home page above the tiles when the service is opened (reminders); draws nothing when there is nothing to say. */
  homePanel?: () => ReactNode;
  /** Forget what its stores hold (logout on a PC shared at the counter); answers still on their way must be dropped too. */
  reset(): void;
}

/** Declares a domain's UI with its route type: `defineUi<MyRoute>()({ … })`. */
export function defineUi<R extends RouteBase>() {
  return (ui: DomainUi<R>): DomainUi<R> => ui;
}

/** The route type of a domain UI. */
export type RouteOf<U> = U extends DomainUi<infer R> ? R : never;
