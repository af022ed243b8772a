import { z } from 'zod';
import { LIST_TYPES, type Elector, type ImportRecord } from './types.js';

/**
 * Zod schemas for what the client sends the hub in an electoral import
 * (command `electoral.import`). They mirror `Elector` and `ImportRecord`
 * exactly (checked at compile time below), so a parsed value can be stored
 * and compared as JSON: parsing drops unknown keys and fixes the key order.
 */
// Bounds are generous on purpose: they stop absurd payloads, never a real REU line the client accepted.
const TEXT_MAX = 500;
const text = () => z.string().max(TEXT_MAX);
const optionalText = () => z.string().max(TEXT_MAX).nullable();

export const electorSchema = z.object({
  id: z.string().min(1).max(100),
  ine: optionalText(),
  listType: z.enum(LIST_TYPES),
  birthName: z.string().min(1).max(TEXT_MAX),
  usageName: optionalText(),
  firstNames: text(),
  sex: z.enum(['M', 'F']).nullable(),
  // AAAA-MM-JJ, with 00 for an unknown day or month as the REU writes it.
  birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date de naissance invalide (AAAA-MM-JJ attendu).'),
  birthPlace: z.object({
    communeCode: optionalText(),
    communeLabel: optionalText(),
    departementCode: optionalText(),
    country: optionalText(),
  }),
  nationality: optionalText(),
  address: z.object({
    number: optionalText(),
    street: optionalText(),
    complement1: optionalText(),
    complement2: optionalText(),
    lieuDit: optionalText(),
    postalCode: optionalText(),
    city: optionalText(),
    country: optionalText(),
  }),
  // Empty when the extract has no bureau for the elector (the client warns about it).
  bureau: z.object({ code: z.string().max(20), label: optionalText() }),
  numeroOrdre: z.number().int().nonnegative().nullable(),
});

const count = z.number().int().nonnegative();

export const importRecordSchema = z.object({
  id: z.string().min(1).max(100),
  fileName: z.string().min(1).max(255),
  fileSha256: z.string().regex(/^[0-9a-f]{64}$/, 'Empreinte SHA-256 invalide.'),
  extractDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
  importedAtLocal: z.string().max(40),
  importedBy: z.string().max(200),
  counts: z.object({ LP: count, LCM: count, LCE: count }),
  diff: z.object({ added: count, removed: count, changedBureau: count, changedAddress: count }),
});

/** Payload of the hub command `electoral.import`: the extract as the commune's new full list. */
export const electoralImportPayloadSchema = z.object({
  import: importRecordSchema,
  /** The secretary confirmed a removal of more than 10 % of the list (shared/electoral/mass-removal.ts); the hub checks it again. */
  confirmMassRemoval: z.boolean().optional(),
  // The largest communes of a département hold far fewer; the bound keeps a crafted command finite.
  electors: z.array(electorSchema).max(300_000),
});
export type ElectoralImportPayload = z.infer<typeof electoralImportPayloadSchema>;

export const ELECTORAL_IMPORT_COMMAND = 'electoral.import';

// Compile-time proof that the schemas and the interfaces describe the same shapes (both directions).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const electorMatches: Same<z.infer<typeof electorSchema>, Elector> = true;
const importRecordMatches: Same<z.infer<typeof importRecordSchema>, ImportRecord> = true;
void electorMatches;
void importRecordMatches;
