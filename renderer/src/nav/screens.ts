import type { ReactNode } from 'react';
import type { SessionState } from '../../../shared/accounts/ipc.js';
import type { Service } from '../../../shared/accounts/roles.js';
import { DOMAIN_UIS, type Route } from '../domains.js';
import { CORE_SCREENS } from '../home/routes.js';
import { mayOpen } from './access.js';
import type { ScreenSpec } from './ui-spec.js';

/** A screen with the service it belongs to (null for the shell and always-on domains). */
interface Entry {
  spec: ScreenSpec<Route>;
  service: Service | null;
}

export interface MenuItem {
  route: Route;
  label: string;
}
export interface MenuGroup {
  /** Null for the shell's own entries (Accueil). */
  label: string | null;
  items: MenuItem[];
}

const ENTRIES = new Map<string, Entry>();
function add(name: string, spec: ScreenSpec<never>, service: Service | null) {
  if (ENTRIES.has(name)) throw new Error(`route ${name} declared twice`);
  ENTRIES.set(name, { spec: spec as unknown as ScreenSpec<Route>, service });
}
for (const [name, spec] of Object.entries(CORE_SCREENS)) add(name, spec as ScreenSpec<never>, null);
for (const ui of DOMAIN_UIS) for (const [name, spec] of Object.entries(ui.screens)) add(name, spec as ScreenSpec<never>, ui.domain.service);
for (const [name, { spec }] of ENTRIES)
  if (spec.parent !== undefined && !ENTRIES.get(spec.parent)?.spec.menu)
    throw new Error(`route ${name}: its parent ${spec.parent} has no menu entry`);

function entry(name: string): Entry {
  const found = ENTRIES.get(name);
  if (!found) throw new Error(`unknown route ${name}`);
  return found;
}

export function titleOf(route: Route): string {
  return entry(route.name).spec.title;
}

export function renderScreen(route: Route): ReactNode {
  return entry(route.name).spec.render(route);
}

/** The one access check of every route, menu entry and tile. */
export function allowed(session: SessionState | null, route: Route): boolean {
  const { spec, service } = entry(route.name);
  return mayOpen(session, service, spec.permission);
}

/** The refusal shown on a direct navigation to a screen this session may not open (null: the general one). */
export function deniedOf(route: Route): string | null {
  return entry(route.name).spec.denied ?? null;
}

/** The menu entry that stands for this route: its own, or its parent's on a sub-screen (fiche, acte, certificat). */
export function menuRouteOf(route: Route): string | undefined {
  const { spec } = entry(route.name);
  return spec.menu ? route.name : spec.parent;
}

/** The menu for this session, grouped by service; groups left empty are left out. */
export function menuFor(session: SessionState | null): MenuGroup[] {
  const item = (name: string, label: string) => ({ route: { name } as Route, label });
  const groups: MenuGroup[] = [
    {
      label: null,
      items: Object.entries(CORE_SCREENS).flatMap(([name, s]) => (s.menu ? [item(name, s.menu)] : [])),
    },
    ...DOMAIN_UIS.map((ui) => ({
      label: ui.group,
      items: Object.entries(ui.screens as Record<string, ScreenSpec<never>>).flatMap(([name, s]) => (s.menu ? [item(name, s.menu)] : [])),
    })),
  ];
  return groups.map((g) => ({ ...g, items: g.items.filter((m) => allowed(session, m.route)) })).filter((g) => g.items.length > 0);
}
