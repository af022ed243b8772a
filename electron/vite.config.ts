import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Bundles the Electron entry points, one pass each (`--mode main`, then
 * `--mode preload`): with both inputs in one pass, shared code is split into
 * a chunk the preload would have to require(), which a sandboxed preload
 * cannot do. Output is CommonJS (.cjs) because the root package is ESM.
 *
 * main.cjs holds the shell, the client core and shared/ code. Kept outside:
 * electron (the runtime), better-sqlite3 (native, unpacked from the asar),
 * electron-updater (requires electron lazily) and Node builtins.
 * preload.cjs is self-contained except for `electron`.
 * import-worker.cjs (`--mode import-worker`) is the worker thread of the REU
 * import preview, same externals as main; without it the preview runs on the
 * main thread (electron/electoral/import-host.ts). print-worker.cjs (`--mode print-worker`) runs the long
 * electoral prints on a thread with a capped heap (electron/electoral/polls/print-host.ts); both are found
 * by electron/core/worker-script.ts.
 */
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

const ENTRIES = {
  main: here('./shell/main.ts'),
  preload: here('./shell/preload.ts'),
  // Worker thread of the REU import preview (electoral/import-host.ts looks for it next to main.cjs).
  'import-worker': here('./electoral/import-worker.ts'),
  // Worker thread of the émargement and card prints (electoral/polls/print-host.ts, capped heap).
  'print-worker': here('./electoral/polls/print-worker.ts'),
} as const;

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const MAIN_EXTERNALS: (string | RegExp)[] = ['electron', 'better-sqlite3', /^electron-updater(\/.*)?$/, ...nodeBuiltins];
const PRELOAD_EXTERNALS: (string | RegExp)[] = ['electron'];

export default defineConfig(({ mode }) => {
  if (!(mode in ENTRIES)) throw new Error(`electron/vite.config.ts: --mode ${Object.keys(ENTRIES).join(', ')} (got "${mode}")`);
  const external = mode === 'preload' ? PRELOAD_EXTERNALS : MAIN_EXTERNALS;
  return {
    root: here('.'),
    publicDir: false,
    logLevel: 'warn',
    // Bundle every dependency except the externals above.
    ssr: { noExternal: true, external: external.filter((e): e is string => typeof e === 'string') },
    build: {
      ssr: ENTRIES[mode as keyof typeof ENTRIES],
      outDir: here('../dist/electron'),
      // The main pass cleans the folder; the preload pass adds to it.
      emptyOutDir: mode === 'main',
      target: 'node22', // Electron 45 ships Node 22
      minify: false,
      sourcemap: true,
      rolldownOptions: {
        external,
        output: { format: 'cjs', entryFileNames: `${mode}.cjs`, codeSplitting: false },
      },
    },
    define: mode === 'preload' ? { 'process.env.NODE_ENV': JSON.stringify('production') } : {},
  };
});
