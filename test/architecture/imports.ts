import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Repository root. */
export const root = join(import.meta.dirname, '..', '..');

/** Every TypeScript source below `dir` (absolute paths), node_modules and dist left out. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|tsx|mts|cts)$/.test(name)) out.push(p);
  }
  return out;
}

const SPECIFIER =
  /(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

/** Every import specifier of a source text: static, re-export, dynamic import(), require(), side-effect import. */
export function importsOf(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(SPECIFIER)) found.push((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  return found;
}

/** Repository-relative paths (posix, `.ts`/`.tsx` as written on disk) a file imports through relative specifiers. */
export function relativeImportsOf(file: string): string[] {
  const out: string[] = [];
  for (const spec of importsOf(readFileSync(file, 'utf8'))) {
    if (!/^\.\.?\//.test(spec)) continue;
    const abs = resolve(dirname(file), spec.replace(/\.js$/, ''));
    const candidates = [`${abs}.ts`, `${abs}.tsx`, join(abs, 'index.ts'), abs];
    const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? candidates[0]!;
    out.push(relative(root, hit).split('\\').join('/'));
  }
  return out;
}
