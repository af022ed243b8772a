/** Issue 10's part of the electoral domain on the PC: polls, registers, prints. */
import type { Logger } from 'pino';
import type { PollsChannels } from '../../../shared/electoral/polls-ipc.js';
import {
  bureauSchema,
  communicationSchema,
  consultationSchema,
  pollSchema,
  procurationSchema,
} from '../../../shared/electoral/registers.js';
import { streetKey, streetRangeSchema } from '../../../shared/electoral/streets.js';
import type { CoreContext } from '../../core/client-domain.js';
import type { LocalCollection } from '../../core/context.js';
import type { ChannelHandlers } from '../../core/handlers.js';
import type { DemandStore } from '../record-stores.js';
import { printHandlers } from './print-handlers.js';
import { registerHandlers, type Registers } from './register-handlers.js';
import { createRegisterStore } from './register-store.js';

export function createRegisters(db: CoreContext['db']): Registers {
  return {
    polls: createRegisterStore(db, { name: 'electoral.polls', table: 'electoral_polls', schema: pollSchema, keyOf: (p) => p.date }),
    procurations: createRegisterStore(db, {
      name: 'electoral.procurations',
      table: 'electoral_procurations',
      schema: procurationSchema,
      keyOf: (p) => p.bureauCode,
    }),
    communications: createRegisterStore(db, {
      name: 'electoral.communications',
      table: 'electoral_communications',
      schema: communicationSchema,
      keyOf: (c) => c.date,
    }),
    consultations: createRegisterStore(db, {
      name: 'electoral.consultations',
      table: 'electoral_consultations',
      schema: consultationSchema,
      keyOf: (c) => c.pollId,
    }),
    bureaux: createRegisterStore(db, { name: 'electoral.bureaux', table: 'electoral_bureaux', schema: bureauSchema, keyOf: (b) => b.id }),
    streets: createRegisterStore(db, {
      name: 'electoral.streets',
      table: 'electoral_streets',
      schema: streetRangeSchema,
      keyOf: (l) => streetKey(l.street),
    }),
  };
}

export function createPollsModule(
  ctx: CoreContext,
  demands: DemandStore,
  log: Logger,
): { handlers: ChannelHandlers<PollsChannels>; collections: LocalCollection[] } {
  const regs = createRegisters(ctx.db);
  return {
    handlers: { ...registerHandlers(ctx, regs), ...printHandlers(ctx, regs, demands) },
    collections: Object.values(regs).map((r) => r.collection(log)),
  };
}
