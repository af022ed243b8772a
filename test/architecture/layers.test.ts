import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, root, sourceFiles } from './imports.js';

/**
 * The house's layer rules, checked on every import specifier (static
 * `import … from`, `export … from`, dynamic `import()` and `require()`):
 * - shared/ is pure: no node:* or Node builtins, no electron, no DOM globals;
 * - renderer/ never reaches electron or Node;
 * - outside electron/shell/, nothing in electron/ imports electron.
 */

const NODE_BUILTINS = new Set([
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'stream/promises',
  'tls',
  'url',
  'util',
  'worker_threads',
  'zlib',
  'timers',
  'timers/promises',
  'v8',
  'vm',
  'module',
]);
/** Packages that are Node-only or Electron-only and so are forbidden in pure layers. */
const NODE_ONLY_PACKAGES = [
  'better-sqlite3',
  'pg',
  'fastify',
  'pino',
  'kysely',
  'tar',
  'iconv-lite',
  'nodemailer',
  'smtp-server',
  'mailparser',
  'axios',
  'node-forge',
];

function isNode(spec: string): boolean {
  return spec.startsWith('node:') || NODE_BUILTINS.has(spec);
}
function isElectron(spec: string): boolean {
  return spec === 'electron' || spec.startsWith('electron/');
}
function packageName(spec: string): string {
  return spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
}

function violations(folder: string, rule: (spec: string, file: string) => string | null): string[] {
  const bad: string[] = [];
  for (const file of sourceFiles(join(root, folder))) {
    if (/\.test\.tsx?$/.test(file)) continue; // tests may use Node to build fixtures
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const why = rule(spec, file);
      if (why) bad.push(`${relative(root, file)}: ${spec} (${why})`);
    }
  }
  return bad;
}

describe('layer rules', () => {
  it('recognises every import form (so the rules below cannot pass vacuously)', () => {
    const sample = `import a from 'node:fs';\nimport { b } from "electron";\nexport * from './x.js';\nconst c = await import('pg');\nconst d = require('os');\nimport 'side-effect';`;
    expect(importsOf(sample)).toEqual(['node:fs', 'electron', './x.js', 'pg', 'os', 'side-effect']);
  });

  it('shared/ imports neither Node, Electron, Node-only packages, nor other layers', () => {
    const bad = violations('shared', (spec) => {
      if (isNode(spec)) return 'Node builtin';
      if (isElectron(spec)) return 'electron';
      if (NODE_ONLY_PACKAGES.includes(packageName(spec))) return 'Node-only package';
      if (/^\.\.?\//.test(spec) && /(electron|renderer|hub-server)\//.test(spec)) return 'other layer';
      return null;
    });
    expect(bad).toEqual([]);
  });

  it('shared/ does not touch DOM or Node globals', () => {
    const bad: string[] = [];
    for (const file of sourceFiles(join(root, 'shared'))) {
      if (/\.test\.ts$/.test(file)) continue;
      const text = readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
      for (const g of ['window.', 'document.', 'localStorage', 'Buffer.', 'process.', '__dirname']) {
        // A property access (`document.title`), not the end of a French sentence ('… de document.').
        const use = g.endsWith('.') ? new RegExp(`(^|[^\\w$.])${g.replace('.', '\\.')}[A-Za-z_$]`, 'm') : new RegExp(`\\b${g}\\b`);
        if (use.test(text)) bad.push(`${relative(root, file)}: ${g}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('renderer/ imports neither Electron nor Node, nor the client core or hub', () => {
    const bad = violations('renderer/src', (spec) => {
      if (isNode(spec)) return 'Node builtin';
      if (isElectron(spec)) return 'electron';
      if (NODE_ONLY_PACKAGES.includes(packageName(spec))) return 'Node-only package';
      if (/^\.\.?\//.test(spec) && /\/(electron|hub-server)\//.test(spec)) return 'other layer';
      return null;
    });
    expect(bad).toEqual([]);
  });

  it('only electron/shell/ imports electron', () => {
    const bad = violations('electron', (spec, file) =>
      isElectron(spec) && !relative(root, file).startsWith(join('electron', 'shell')) ? 'electron outside the shell' : null,
    );
    expect(bad).toEqual([]);
  });

  it('hub-server/ never imports the client core, the renderer or electron', () => {
    const bad = violations('hub-server', (spec) => {
      if (isElectron(spec)) return 'electron';
      if (/^\.\.?\//.test(spec) && /\/(electron|renderer)\//.test(spec)) return 'other layer';
      return null;
    });
    expect(bad).toEqual([]);
  });
});
