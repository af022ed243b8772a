import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOMAINS } from '../../shared/domains.js';
import { relativeImportsOf, root, sourceFiles } from './imports.js';

/**
 * The house for many services: a domain is a module.
 * - the sync cores (PC and hub) import no domain, not even the list of domains (they get the registry injected);
 * - a domain reaches another domain only through the other's shared/ contracts;
 * - only the composition roots list the domains (import the modules of several domains).
 * Type-only imports count too: a type that merges every domain's tables is a list of the domains.
 */
// Accounts is the identity core every domain stands on (the token, the tenant, roles): domains may use it.
const IDS = DOMAINS.map((d) => d.id).filter((id) => id !== 'accounts');
const LAYERS = ['shared', 'electron', 'hub-server', 'renderer/src'];
const COMPOSITION_ROOTS = ['shared/domains.ts', 'electron/domains.ts', 'hub-server/domains.ts', 'renderer/src/domains.ts'];
const SYNC_CORES = ['shared/sync/', 'electron/sync/', 'hub-server/sync/'];

/** The domain a repository path belongs to, and in which layer; null for generic code. */
function domainOf(path: string): { id: string; layer: string } | null {
  for (const layer of LAYERS) for (const id of IDS) if (path.startsWith(`${layer}/${id}/`)) return { id, layer };
  return null;
}

/** Production sources of the four layers (tests and fixtures may cross domains to build their worlds). */
function productionFiles(): string[] {
  return LAYERS.flatMap((l) => sourceFiles(join(root, l)))
    .map((f) => relative(root, f).split('\\').join('/'))
    .filter((f) => !/\.test\.tsx?$|test-fixtures|test-support|test-hub-entry|testing\//.test(f));
}

describe('domain rules', () => {
  it('knows the domains (so the rules below cannot pass vacuously)', () => {
    expect(IDS).toEqual(expect.arrayContaining(['electoral', 'acts']));
    expect(domainOf('electron/acts/module.ts')).toEqual({ id: 'acts', layer: 'electron' });
    expect(relativeImportsOf(join(root, 'shared/domains.ts'))).toContain('shared/electoral/domain.ts');
  });

  it('the sync cores import no domain and not the list of domains', () => {
    const bad = productionFiles()
      .filter((f) => SYNC_CORES.some((c) => f.startsWith(c)))
      .flatMap((f) =>
        relativeImportsOf(join(root, f))
          .filter((i) => domainOf(i) || COMPOSITION_ROOTS.includes(i))
          .map((i) => `${f} → ${i}`),
      );
    expect(bad).toEqual([]);
  });

  it('a domain reaches another domain only through its shared/ contracts', () => {
    const bad = productionFiles().flatMap((f) => {
      const own = domainOf(f);
      if (!own) return [];
      return relativeImportsOf(join(root, f))
        .filter((i) => {
          const other = domainOf(i);
          return other && other.id !== own.id && other.layer !== 'shared';
        })
        .map((i) => `${f} → ${i}`);
    });
    expect(bad).toEqual([]);
  });

  it('only the composition roots list the domains', () => {
    const bad = productionFiles()
      .filter((f) => !COMPOSITION_ROOTS.includes(f))
      .flatMap((f) => {
        const own = domainOf(f)?.id;
        // Another domain's shared contracts are allowed (previous rule); what is not is reaching the layer modules
        // (electron/, hub-server/, renderer/) or the declarations (shared/<d>/domain.ts) of several domains.
        const reached = new Set(
          relativeImportsOf(join(root, f))
            .filter((i) => {
              const d = domainOf(i);
              return d && d.id !== own && (d.layer !== 'shared' || i.endsWith('/domain.ts'));
            })
            .map((i) => domainOf(i)!.id),
        );
        return reached.size + (own ? 1 : 0) > 1 || (!own && reached.size > 1) ? [`${f} → ${[...reached].join(', ')}`] : [];
      });
    expect(bad).toEqual([]);
  });
});
