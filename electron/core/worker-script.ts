/**
 * Where a worker thread's code is: the bundled `<name>.cjs` next to the calling module (in the app, next
 * to main.cjs: electron/vite.config.ts builds one per worker), else `<name>.ts` beside it run through tsx
 * (CLI, tests, bench). Null when neither can run: the caller does the work on the main thread.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WorkerScript {
  /** Evaluated by `new Worker(code, { eval: true, workerData: data })`. */
  code: string;
  data: Record<string, string>;
}

export function workerScript(callerUrl: string, name: string): WorkerScript | null {
  if (!callerUrl.startsWith('file:')) return null;
  const js = new URL(`${name}.cjs`, callerUrl);
  if (existsSync(fileURLToPath(js)))
    return { code: `require(require('node:worker_threads').workerData.entry);`, data: { entry: fileURLToPath(js) } };
  const ts = new URL(`${name}.ts`, callerUrl);
  if (!existsSync(fileURLToPath(ts))) return null;
  let tsxApi: string;
  try {
    tsxApi = pathToFileURL(createRequire(callerUrl).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  } catch {
    return null;
  }
  return {
    code: `const { workerData } = require('node:worker_threads'); import(workerData.tsxApi).then((m) => { m.register(); return import(workerData.entry); });`,
    data: { entry: ts.href, tsxApi },
  };
}
