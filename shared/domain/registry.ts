import type { z } from 'zod';
import type { CommuneRole, Service } from '../accounts/roles.js';
import type { CollectionSpec, CommandSpec, DomainSpecBase } from './spec.js';

/** A collection with where it comes from. */
export interface RegisteredCollection extends CollectionSpec<unknown> {
  name: string;
  domain: string;
  service: Service | null;
}

export interface RegisteredCommand extends CommandSpec<unknown> {
  name: string;
  domain: string;
  service: Service | null;
}

/** Who asks: the collectivité's opted-in services and the role's permissions. */
export interface Caller {
  services: readonly string[];
  permissions: readonly string[];
}

/**
 * Everything the sync cores, the hub and the PC need to know about the domains,
 * built once from the list in a composition root and handed to the generic code
 * (which never imports a domain).
 */
export interface DomainRegistry {
  readonly domains: readonly DomainSpecBase[];
  readonly collectionNames: readonly string[];
  collection(name: string): RegisteredCollection | undefined;
  command(name: string): RegisteredCommand | undefined;
  /** What a user holds: the role's permissions, plus the grantable ones the mayor granted to this user (`granted`; others are ignored). */
  permissionsOf(role: CommuneRole, granted?: readonly string[]): readonly string[];
  /** Permissions the mayor grants user by user (declared `grantable`), with their French label. */
  readonly grantable: readonly { name: string; label: string }[];
  isGrantable(permission: string): boolean;
  can(role: CommuneRole, permission: string): boolean;
  /** The one home of « service opted into and permission held ». A null service is always on. */
  mayUse(caller: Caller, service: Service | null, permission: string): boolean;
  /** Collections the caller receives. */
  readableCollections(caller: Caller): string[];
  /** Zod schema of a channel's input, or undefined for an unknown channel. */
  channelInput(channel: string): z.ZodType | undefined;
  readonly channels: readonly string[];
  readonly events: readonly string[];
}

function checkPrefix(domain: DomainSpecBase, kind: string, name: string, sep: '.' | ':'): void {
  if (!name.startsWith(`${domain.id}${sep}`)) throw new Error(`${kind} ${name} of domain ${domain.id} must start with ${domain.id}${sep}`);
}

function addUnique<T>(map: Map<string, T>, kind: string, name: string, value: T): void {
  if (map.has(name)) throw new Error(`${kind} ${name} declared twice`);
  map.set(name, value);
}

/** Builds the registry and checks the declarations (prefixes, duplicates, collection rules). Throws at start-up, never later. */
export function createRegistry(domains: readonly DomainSpecBase[], coreChannels: Record<string, z.ZodType> = {}): DomainRegistry {
  const collections = new Map<string, RegisteredCollection>();
  const commands = new Map<string, RegisteredCommand>();
  const grants = new Map<string, readonly CommuneRole[]>();
  const grantable: { name: string; label: string }[] = [];
  const channels = new Map<string, z.ZodType>(Object.entries(coreChannels));
  const events: string[] = [];
  for (const d of domains) {
    for (const [name, spec] of Object.entries(d.collections) as [string, CollectionSpec<unknown>][]) {
      checkPrefix(d, 'collection', name, '.');
      if ((spec.writer === 'client') !== (spec.write !== undefined))
        throw new Error(`collection ${name}: a write permission goes with writer 'client' only`);
      addUnique(collections, 'collection', name, { ...spec, name, domain: d.id, service: d.service });
    }
    for (const [name, spec] of Object.entries(d.commands) as [string, CommandSpec<unknown>][]) {
      checkPrefix(d, 'command', name, '.');
      addUnique(commands, 'command', name, { ...spec, name, domain: d.id, service: d.service });
    }
    for (const [name, spec] of Object.entries(d.permissions)) {
      addUnique(grants, 'permission', name, spec.roles);
      if (spec.grantable) {
        if (spec.roles.length > 0) throw new Error(`permission ${name}: a grantable permission is held by no role`);
        grantable.push({ name, label: spec.label });
      }
    }
    for (const [name, schema] of Object.entries(d.channels as Record<string, z.ZodType>)) {
      checkPrefix(d, 'channel', name, ':');
      addUnique(channels, 'channel', name, schema);
    }
    for (const e of d.events) checkPrefix(d, 'event', e, ':');
    events.push(...d.events);
  }
  const usedPermissions = [...collections.values()]
    .flatMap((c) => [c.read, c.write])
    .concat([...commands.values()].map((c) => c.permission));
  for (const p of usedPermissions)
    if (p !== undefined && !grants.has(p)) throw new Error(`permission ${p} is used but declared by no domain`);

  const can = (role: CommuneRole, permission: string) => grants.get(permission)?.includes(role) ?? false;
  const isGrantable = (permission: string) => grantable.some((g) => g.name === permission);
  const mayUse = (caller: Caller, service: Service | null, permission: string) =>
    (service === null || caller.services.includes(service)) && caller.permissions.includes(permission);
  return {
    domains,
    collectionNames: [...collections.keys()],
    collection: (name) => collections.get(name),
    command: (name) => commands.get(name),
    permissionsOf: (role, granted = []) => [...grants.keys()].filter((p) => can(role, p) || (isGrantable(p) && granted.includes(p))),
    grantable,
    isGrantable,
    can,
    mayUse,
    readableCollections: (caller) => [...collections.values()].filter((c) => mayUse(caller, c.service, c.read)).map((c) => c.name),
    channelInput: (channel) => channels.get(channel),
    channels: [...channels.keys()],
    events,
  };
}
