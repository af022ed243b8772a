#!/usr/bin/env node
// `npm test`: every check in one run — type-check, lint (Biome, warnings fail), bundles, unit and
// integration tests (vitest: both hub backends, real SQLite, loopback HTTP),
// then the browser end-to-end test. Ends with one `N passed, N failed` line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const cacheDir = join(root, 'node_modules', '.cache', 'guichet-tests');
mkdirSync(cacheDir, { recursive: true });

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

function run(label, cmd, args, opts = {}) {
  console.log(`\n▶ ${label}: ${cmd} ${args.join(' ')}`);
  const res = spawnSync(cmd, args, {
    cwd: root,
    stdio: opts.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
    env: { ...process.env, ...opts.env },
  });
  if (opts.capture) process.stdout.write(res.stdout ?? '');
  return res;
}

function step(label, cmd, args) {
  const res = run(label, cmd, args);
  if (res.status === 0) passed += 1;
  else {
    failed += 1;
    failures.push(label);
  }
  return res.status === 0;
}

step('typecheck', 'npx', ['tsc', '-b', 'tsconfig.json']);
// Formatting and lint rules; a warning fails the run too, so none pile up.
step('lint', 'npx', ['biome', 'check', '--error-on-warnings', '.']);
const built = step('build', 'npm', ['run', '--silent', 'build']);

// vitest: counted test by test from its JSON report.
const report = join(cacheDir, 'vitest.json');
rmSync(report, { force: true });
// With the bundles built, the packaging test (electron-builder --linux dir) can run too.
const vt = run('vitest', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`], {
  env: built ? { GUICHET_PACKAGING_TEST: '1' } : {},
});
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  if (r.numFailedTests > 0 || r.numFailedTestSuites > 0) failures.push('vitest');
  if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) failed += r.numFailedTestSuites; // a file that failed to load
} catch {
  failed += 1;
  failures.push(`vitest (no report, exit ${vt.status})`);
}

// Browser e2e through the web host (needs the renderer bundle): the electoral story, then the ACTES one.
const E2E = [
  ['e2e (Chromium via the web host)', 'test/e2e/run.mjs'],
  ['e2e actes (hub, prefecture simulator, Chromium)', 'test/e2e/acts.mjs'],
  ['e2e scrutins (hub, Chromium, pdfinfo)', 'test/e2e/polls.mjs'],
  ['e2e console du département (hub, TOTP, file ACTES, Chromium)', 'test/e2e/console.mjs'],
  ['e2e demandes électorales (hub, Chromium, pdftotext)', 'test/e2e/demands.mjs'],
  ['e2e (remote assistance)', 'test/e2e/assistance.mjs'],
  ['e2e cadastre (hub with the Luxiol sheets, OpenLayers in Chromium)', 'test/e2e/cadastre.mjs'],
  ['e2e propriétaires (hub with Luxiol and synthetic MAJIC, grant, relevé for a third party, pdftotext)', 'test/e2e/owners.mjs'],
];
for (const [label, script] of E2E) {
  if (!built) {
    failed += 1;
    failures.push(`${label} (not run: build failed)`);
    continue;
  }
  const e2e = run(label, 'node', [script], { capture: true });
  const m = /(\d+) passed, (\d+) failed/.exec(e2e.stdout ?? '');
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  if (e2e.status !== 0) {
    if (!m || Number(m[2]) === 0) failed += 1;
    failures.push(label);
  }
}

console.log(failures.length ? `\nÉchecs : ${failures.join(', ')}` : '\nTout est vert.');
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
