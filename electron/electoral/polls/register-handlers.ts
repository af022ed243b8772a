/**
 * Polls and registers on the PC: each write is checked with the hub's own
 * rule (shared/electoral/registers.ts), then the row and its outbox entry go
 * in one transaction.
 */
import { randomUUID } from 'node:crypto';
import { parisDay } from '../../../shared/calendar.js';
import { checkPollDate } from '../../../shared/electoral/poll-calendar.js';
import type { BureauMatch, PollsChannels } from '../../../shared/electoral/polls-ipc.js';
import {
  bureauSchema,
  checkBureauWrite,
  checkCommunicationWrite,
  checkConsultationWrite,
  checkNotFuture,
  checkPollWrite,
  checkProcurationWrite,
  communicationSchema,
  consultationSchema,
  pollSchema,
  procurationSchema,
  type Bureau,
  type Communication,
  type Consultation,
  type Poll,
  type Procuration,
} from '../../../shared/electoral/registers.js';
import {
  checkStreetTable,
  checkStreetWrite,
  matchStreet,
  PARITY_LABELS,
  streetKey,
  streetRangeSchema,
  type StreetRange,
} from '../../../shared/electoral/streets.js';
import type { RuleRefusal, WriteAttempt } from '../../../shared/domain/spec.js';
import { GuichetError } from '../../../shared/errors.js';
import { type CoreContext, enforce } from '../../core/client-domain.js';
import type { ChannelHandlers } from '../../core/handlers.js';
import { bureauCounts } from './elector-pages.js';
import type { RegisterStore } from './register-store.js';
import { parseStreetCsv } from './street-import.js';

export interface Registers {
  polls: RegisterStore<Poll>;
  procurations: RegisterStore<Procuration>;
  communications: RegisterStore<Communication>;
  consultations: RegisterStore<Consultation>;
  bureaux: RegisterStore<Bureau>;
  streets: RegisterStore<StreetRange>;
}

type RegisterChannels = Omit<PollsChannels, 'electoral:print' | 'electoral:print-file' | 'electoral:stats'>;

const COLLECTION = {
  polls: 'electoral.polls',
  procurations: 'electoral.procurations',
  communications: 'electoral.communications',
  consultations: 'electoral.consultations',
  bureaux: 'electoral.bureaux',
  streets: 'electoral.streets',
} as const;

export function registerHandlers(ctx: CoreContext, regs: Registers): ChannelHandlers<RegisterChannels> {
  const today = () => parisDay(ctx.platform.now());
  const stamp = () => ({
    createdBy: ctx.session().user?.displayName ?? 'Utilisateur inconnu',
    createdAtLocal: ctx.platform.now().toISOString(),
  });

  /** The write path of every register: rule, row, outbox, in one transaction. */
  function write<K extends keyof Registers, T extends { id: string }>(
    kind: K,
    record: T,
    check: (a: WriteAttempt<T>) => RuleRefusal | null,
    summary: string,
  ): T {
    ctx.requirePermission('electoral.demand');
    const store = regs[kind] as unknown as RegisterStore<T>;
    ctx.db.transaction(() => {
      const found = store.get(record.id);
      enforce(check({ before: found?.record ?? null, after: record, may: ctx.may }));
      store.put(record, found?.version ?? null);
      ctx.outbox.enqueue({
        kind: 'upsert',
        collection: COLLECTION[kind],
        recordId: record.id,
        baseVersion: found?.version ?? null,
        data: record,
        summary,
      });
    })();
    ctx.requestSync();
    return record;
  }

  /** Removes a line of a register the rule lets go (the street table): a tombstone for the hub. */
  function remove<K extends keyof Registers, T extends { id: string }>(
    kind: K,
    id: string,
    check: (a: WriteAttempt<T>) => RuleRefusal | null,
    summary: string,
  ): void {
    ctx.requirePermission('electoral.demand');
    const store = regs[kind] as unknown as RegisterStore<T>;
    ctx.db.transaction(() => {
      const found = store.get(id);
      if (!found) throw new GuichetError('not_found', 'Cette ligne n’existe pas (ou plus) sur ce poste.', `${kind} ${id} unknown`);
      enforce(check({ before: found.record, after: null, may: ctx.may }));
      // A delete names the hub's version: a line the hub has not acknowledged yet cannot be taken back.
      if (found.version === null)
        throw new GuichetError(
          'conflict',
          'Cette ligne n’a pas encore été envoyée au serveur départemental : synchronisez, puis retirez-la.',
          `${kind} delete before ack`,
        );
      store.remove(id);
      ctx.outbox.enqueue({ kind: 'delete', collection: COLLECTION[kind], recordId: id, baseVersion: found.version, summary });
    })();
    ctx.requestSync();
  }

  const streetLine = (l: StreetRange) =>
    `${l.street}, ${PARITY_LABELS[l.parity]}${l.from !== null ? ` du ${l.from}` : ''}${l.to !== null ? ` au ${l.to}` : ''}`;

  const listed = <T extends { id: string }>(kind: keyof Registers, rows: { record: T; version: number | null }[]) => {
    const pending = ctx.outbox.pendingIds(COLLECTION[kind]);
    return rows.map(({ record, version }) => ({ ...record, version, pending: pending.has(record.id) }));
  };
  const read = () => ctx.requirePermission('electoral.read');

  return {
    'electoral:polls': () => {
      read();
      return listed('polls', regs.polls.list()).sort((a, b) => (a.date < b.date ? -1 : 1));
    },
    'electoral:create-poll': (input) => {
      enforce(checkPollDate(input.date, today()));
      const poll = pollSchema.parse({ ...input, id: randomUUID(), commissionDate: null, ...stamp() });
      return write('polls', poll, checkPollWrite, `Scrutin : ${poll.label} (création)`);
    },
    'electoral:set-commission-date': ({ id, date }) => {
      const found = regs.polls.get(id);
      if (!found) throw new GuichetError('not_found', 'Ce scrutin n’existe pas (ou plus) sur ce poste.', `poll ${id} unknown`);
      const poll = pollSchema.parse({ ...found.record, commissionDate: date });
      return write('polls', poll, checkPollWrite, `Scrutin : ${poll.label} (date de la commission)`);
    },
    'electoral:bureaux': () => {
      read();
      const saved = new Map(regs.bureaux.list().map((b) => [b.record.id, b]));
      const fromList = bureauCounts(ctx.db).map((b) => {
        const s = saved.get(b.code);
        return {
          code: b.code,
          label: s?.record.label ?? b.label,
          address: s?.record.address ?? null,
          electors: b.electors,
          version: s?.version ?? null,
        };
      });
      const only = [...saved.values()].filter((s) => !fromList.some((b) => b.code === s.record.id));
      return [
        ...fromList,
        ...only.map((s) => ({ code: s.record.id, label: s.record.label, address: s.record.address, electors: 0, version: s.version })),
      ];
    },
    'electoral:save-bureau': (input) => {
      const bureau = bureauSchema.parse({ ...input, ...stamp() });
      return write('bureaux', bureau, checkBureauWrite, `Bureau de vote ${bureau.id} (adresse)`);
    },
    'electoral:bureau-lookup': ({ address }) => {
      read();
      // The découpage first (the secretary's table); the electors' own streets only when it says nothing.
      const lines = matchStreet(
        regs.streets.list().map((l) => l.record),
        address,
      );
      if (lines.length === 0) return lookupBureau(ctx, address);
      const labels = new Map(bureauCounts(ctx.db).map((b) => [b.code, b.label]));
      const saved = new Map(regs.bureaux.list().map((b) => [b.record.id, b.record.label]));
      return lines.map((l) => ({
        bureauCode: l.bureauCode,
        label: saved.get(l.bureauCode) ?? labels.get(l.bureauCode) ?? null,
        source: 'decoupage' as const,
        electors: 0,
        line: streetLine(l),
      }));
    },
    'electoral:streets': () => {
      read();
      return listed('streets', regs.streets.list()).sort(
        (a, b) => streetKey(a.street).localeCompare(streetKey(b.street)) || (a.from ?? 0) - (b.from ?? 0),
      );
    },
    'electoral:save-street': (input) => {
      const line = streetRangeSchema.parse({ ...input, id: input.id ?? randomUUID(), ...stamp() });
      const others = regs.streets.list().filter((l) => l.record.id !== line.id);
      enforce(checkStreetTable([...others.map((l) => l.record), line]));
      return write('streets', line, checkStreetWrite, `Découpage : ${line.street} (bureau ${line.bureauCode})`);
    },
    'electoral:delete-street': ({ id }) => {
      remove('streets', id, checkStreetWrite, 'Découpage : ligne retirée');
      return null;
    },
    'electoral:import-streets': ({ content }) => {
      ctx.requirePermission('electoral.demand');
      const s0 = stamp();
      const lines = parseStreetCsv(content, (l) => ({ ...l, id: randomUUID(), ...s0 }));
      if (lines.length === 0)
        throw new GuichetError('import_rejected', 'Le fichier ne contient aucune ligne de découpage sous son en-tête.', 'no lines');
      enforce(checkStreetTable(lines));
      // The file is the découpage: it replaces the table, whole or not at all (one transaction).
      const old = regs.streets.list();
      ctx.db.transaction(() => {
        for (const o of old) remove('streets', o.record.id, checkStreetWrite, 'Découpage : ligne remplacée par l’import');
        for (const l of lines) write('streets', l, checkStreetWrite, `Découpage : ${l.street} (bureau ${l.bureauCode})`);
      })();
      return { lines: lines.length, replaced: old.length };
    },
    'electoral:procurations': ({ bureauCode }) => {
      read();
      return listed('procurations', regs.procurations.list(bureauCode));
    },
    'electoral:add-procuration': (input) => {
      const p = procurationSchema.parse({ ...input, id: randomUUID(), source: 'saisie', ...stamp() });
      return write('procurations', p, checkProcurationWrite, `Procuration (bureau ${p.bureauCode})`);
    },
    'electoral:communications': () => {
      read();
      return listed('communications', regs.communications.list()).sort((a, b) => (a.date < b.date ? 1 : -1));
    },
    'electoral:add-communication': (input) => {
      const c = communicationSchema.parse({ ...input, id: randomUUID(), ...stamp() });
      enforce(checkNotFuture(c.date, today(), 'La date de la communication'));
      return write('communications', c, checkCommunicationWrite, 'Registre L.37 : communication de la liste');
    },
    'electoral:consultations': ({ pollId }) => {
      read();
      return listed('consultations', regs.consultations.list(pollId));
    },
    'electoral:add-consultation': (input) => {
      const poll = regs.polls.get(input.pollId);
      if (!poll) throw new GuichetError('not_found', 'Ce scrutin n’existe pas (ou plus) sur ce poste.', 'poll unknown');
      const c = consultationSchema.parse({ ...input, id: randomUUID(), pollDate: poll.record.date, ...stamp() });
      enforce(checkNotFuture(c.date, today(), 'La date de la consultation'));
      return write('consultations', c, checkConsultationWrite, 'Registre L.68 : consultation de la liste d’émargement');
    },
  };
}

/** Folds an address for matching (accents, case, punctuation). */
const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Address → bureau from the list itself: the bureaux of the electors living in
 * that street (at that number when one is given), most electors first. A first
 * cut, as the note suggests (D3.4), until a street table with number ranges exists.
 */
export function lookupBureau(ctx: Pick<CoreContext, 'db'>, address: string) {
  const m = /^\s*(\d+)\s*(?:bis|ter)?\s*,?\s*(.*)$/i.exec(address);
  const number = m?.[1] ?? null;
  const street = fold(m ? m[2] : address);
  if (street.length < 2) return [];
  const rows = ctx.db
    .prepare<[], { code: string; label: string | null; street: string | null; number: string | null }>(
      'SELECT bureau_code AS code, bureau_label AS label, address_street AS street, address_number AS number FROM electors',
    )
    .iterate();
  const counts = new Map<string, BureauMatch>();
  for (const r of rows) {
    if (!r.street || !fold(r.street).includes(street)) continue;
    if (number && r.number !== number) continue;
    const c = counts.get(r.code) ?? { bureauCode: r.code, label: r.label, source: 'electeurs' as const, electors: 0, line: null };
    c.electors++;
    counts.set(r.code, c);
  }
  return [...counts.values()].sort((a, b) => b.electors - a.electors);
}
