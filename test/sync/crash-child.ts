/**
 * Child process of crash.test.ts: opens the client core on a data dir that is
 * already logged in, optionally creates demands, then syncs. The parent kills
 * it with SIGKILL at a chosen point of the exchange with the hub.
 */
import { parisDay } from '../../shared/calendar.js';
import { syntheticDepositInput } from '../../shared/electoral/synthetic-demand.js';
import { call, openCore } from './core-harness.js';

const [dataDir, creates] = process.argv.slice(2);
const core = await openCore(dataDir);
for (let i = 0; i < Number(creates); i++) {
  await call(core, 'electoral:create-demand', {
    kind: 'inscription',
    electorId: null,
    applicant: { birthName: `CRASH${i}`, usageName: null, firstNames: 'Test', birthDate: '1970-01-01' },
    newAddress: null,
    newBureauCode: null,
    comment: null,
    ...syntheticDepositInput(parisDay(new Date())),
  });
}
process.stdout.write('ready\n');
await call(core, 'sync:now', null);
process.stdout.write('synced\n');
await core.close();
