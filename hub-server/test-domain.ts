import { z } from 'zod';
import { createRegistry } from '../shared/domain/registry.js';
import { collection, defineDomain } from '../shared/domain/spec.js';
import { DOMAINS } from '../shared/domains.js';
import type { AnyHubDomain } from './domain/hub-domain.js';
import { HUB_DOMAINS } from './domains.js';

/**
 * A test-only domain, registered beside the real ones: what the generic sync
 * must do for any domain (deletes and tombstones, paging) is tested on it,
 * free of the real domains' rules (a demand is never deleted, for one).
 */
export const noteSchema = z.object({ id: z.string().min(1).max(100), text: z.string().max(1000) });
export type Note = z.infer<typeof noteSchema>;

export const notesDomain = defineDomain<Record<never, never>>()({
  id: 'notes',
  service: null,
  permissions: {
    'notes.read': { label: 'Lire les notes', roles: ['maire', 'secretaire', 'consultation'] },
    'notes.write': { label: 'Écrire les notes', roles: ['maire', 'secretaire'] },
  },
  collections: {
    'notes.notes': collection({ writer: 'client', read: 'notes.read', write: 'notes.write', schema: noteSchema }),
  },
  commands: {},
  channels: {},
  events: [],
});

export const notesHub: AnyHubDomain = { spec: notesDomain, commands: {} };

/** The hub's domains plus the notes domain, with the registry built from their declarations (what buildHub takes). */
export function withNotesDomain() {
  return { list: [...HUB_DOMAINS, notesHub], registry: createRegistry([...DOMAINS, notesDomain]) };
}
