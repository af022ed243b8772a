/**
 * The import push body (35 000 electors, ~18 MB of JSON) parsed as the hub parsed it before (Buffer → string,
 * then fastify's JSON parser in one go) and in slices (hub-server/sync/json-in-slices.ts): longest stretch
 * without a turn of the event loop, wall and CPU time. `node --import tsx build/bench/push-parse-bench.ts [runs]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { fastifyJsonParse, parseJsonInSlices } from '../../hub-server/sync/json-in-slices.js';
import { timeSlices } from '../../hub-server/sync/time-slices.js';
import { importPushBody } from './load-bench.js';

const round = (n: number) => Math.round(n * 10) / 10;
const parse = fastifyJsonParse(Fastify());

/** Runs `work`, timing its stretches between turns (taken through the returned TurnIfDue). */
async function measure(work: (turnIfDue: () => Promise<void> | null) => Promise<unknown>) {
  const slices = timeSlices();
  let last = performance.now();
  let longest = 0;
  let turns = 0;
  const turnIfDue = () => {
    const turn = slices();
    if (!turn) return null;
    longest = Math.max(longest, performance.now() - last);
    turns++;
    return turn.then(() => {
      last = performance.now();
    });
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await work(turnIfDue);
  longest = Math.max(longest, performance.now() - last);
  const cpu = process.cpuUsage(cpu0);
  return { value, longestMs: round(longest), turns, wallMs: round(performance.now() - t0), cpuMs: round((cpu.user + cpu.system) / 1000) };
}

const runs = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'push-parse-'));
try {
  const { body, jsonBytes } = await importPushBody(dir, 35_000);
  const raw = gunzipSync(body);
  console.log(JSON.stringify({ jsonBytes, runs }));
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < runs; i++) {
    globalThis.gc?.();
    const oneGo = await measure(async () => parse(raw.toString('utf8')));
    globalThis.gc?.();
    const sliced = await measure(async (turnIfDue) => parseJsonInSlices(raw, parse, turnIfDue));
    if (!isDeepStrictEqual(oneGo.value, sliced.value)) throw new Error('different values');
    const row = {
      oneGo: { longestMs: oneGo.longestMs, cpuMs: oneGo.cpuMs },
      sliced: { longestMs: sliced.longestMs, turns: sliced.turns, wallMs: sliced.wallMs, cpuMs: sliced.cpuMs },
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
