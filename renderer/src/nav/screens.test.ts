import { describe, expect, it } from 'vitest';
import { COMMUNE_ROLES } from '../../../shared/accounts/roles.js';
import { registry } from '../../../shared/domains.js';
import { DOMAIN_UIS, type Route } from '../domains.js';
import { loggedIn } from '../testing/fake-bridge.js';
import { allowed, menuFor, menuRouteOf } from './screens.js';
import type { DomainUi } from './ui-spec.js';

// Held by a role, or granted by the mayor user by user (`grantable`, e.g. owners.read).
const declared = new Set([...COMMUNE_ROLES.flatMap((r) => registry.permissionsOf(r)), ...registry.grantable.map((g) => g.name)]);
const every = [...declared] as never[];

describe('the screens of every domain', () => {
  const uis = DOMAIN_UIS as readonly DomainUi[];
  const routes = uis.flatMap((ui) => Object.keys(ui.screens).map((name) => ({ ui, name, spec: ui.screens[name] })));

  it('need a permission some domain declares', () => {
    for (const { name, spec } of routes) if (spec.permission !== null) expect(declared, name).toContain(spec.permission);
  });

  it('are refused when the collectivité has not opened the service, whatever the permissions (no hard-coded prefix)', () => {
    const session = { ...loggedIn('maire'), services: [], permissions: every };
    for (const { ui, name } of routes) expect(allowed(session, { name } as Route), name).toBe(ui.domain.service === null);
  });

  it('are opened with the service and the permission, per role as the registry says', () => {
    for (const role of COMMUNE_ROLES) {
      const session = { ...loggedIn(role), services: uis.flatMap((u) => (u.domain.service ? [u.domain.service] : [])) };
      session.permissions = [...registry.permissionsOf(role)] as never[];
      for (const { name, spec } of routes)
        expect(allowed(session, { name } as Route), `${role} ${name}`).toBe(
          spec.permission === null || registry.can(role, spec.permission),
        );
    }
  });

  it('each sub-screen marks a menu entry, and the menu holds only what may be opened', () => {
    for (const { name } of routes) expect(menuRouteOf({ name } as Route), name).toBeTruthy();
    const session = { ...loggedIn('consultation'), services: ['electoral' as const, 'acts' as const] };
    expect(menuFor(session).map((g) => [g.label, g.items.map((i) => i.label)])).toEqual([
      [null, ['Accueil']],
      ['Contrôle de légalité', ['Actes']],
      ['Administration', ['Mon compte']], // everyone changes their own password
    ]);
  });
});
