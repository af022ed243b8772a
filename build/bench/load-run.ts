// Quick iterations: `node --import tsx build/bench/load-run.ts '{"backends":["sqlite"],"collectivites":100}'` (options of benchLoad as JSON).
import { benchLoad, type LoadBenchOptions } from './load-bench.js';

const options = JSON.parse(process.argv[2] ?? '{}') as LoadBenchOptions;
process.stdout.write(`${JSON.stringify(await benchLoad(options), null, 2)}\n`);
