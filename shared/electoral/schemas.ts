import { z } from 'zod';
import { LIST_TYPES, type Elector, type ImportRecord } from './types.js';

/**
 * Zod schemas for what the client sends the hub in an electoral import
 * (command `electoral.import`). They mirror `Elector` and `ImportRecord`
 * exactly (checked at compile time below), so a parsed value can be stored
 * and compared as JSON: parsing drops unknown keys and fixes the key order.
 */
const text = (max: number) => z.string().max(max);
const optionalText = (max: number) => z.string().max(max).nullable();

export const electorSchema = z.object({
  id: z.string().min(1).max(100),
  ine: optionalText(20),
  listType: z.enum(LIST_TYPES),
  birthName: z.string().min(1).max(200),
  usageName: optionalText(200),
  firstNames: text(300),
  sex: z.enum(['M', 'F']).nullable(),
  // AAAA-MM-JJ, with 00 for an unknown day or month as the REU writes it.
  birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date de naissance invalide (AAAA-MM-JJ attendu).'),
  birthPlace: z.object({
    communeCode: optionalText(10),
    communeLabel: optionalText(200),
    departementCode: optionalText(5),
    country: optionalText(100),
  }),
  nationality: optionalText(100),
  address: z.object({
    number: optionalText(20),
    street: optionalText(300),
    complement1: optionalText(300),
    complement2: optionalText(300),
    lieuDit: optionalText(200),
    postalCode: optionalText(10),
    city: optionalText(200),
    country: optionalText(100),
  }),
  bureau: z.object({ code: z.string().min(1).max(10), label: optionalText(200) }),
  numeroOrdre: z.number().int().nonnegative().nullable(),
});

const count = z.number().int().nonnegative();

export const importRecordSchema = z.object({
  id: z.string().min(1).max(100),
  fileName: z.string().min(1).max(255),
  fileSha256: z.string().regex(/^[0-9a-f]{64}$/, 'Empreinte SHA-256 invalide.'),
  extractDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
  importedAtLocal: z.string().max(40),
  importedBy: z.string().max(100),
  counts: z.object({ LP: count, LCM: count, LCE: count }),
  diff: z.object({ added: count, removed: count, changedBureau: count, changedAddress: count }),
});

/** Payload of the hub command `electoral.import`: the extract as the commune's new full list. */
export const electoralImportPayloadSchema = z.object({
  import: importRecordSchema,
  electors: z.array(electorSchema),
});
export type ElectoralImportPayload = z.infer<typeof electoralImportPayloadSchema>;

export const ELECTORAL_IMPORT_COMMAND = 'electoral.import';

// Compile-time proof that the schemas and the interfaces describe the same shapes (both directions).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const electorMatches: Same<z.infer<typeof electorSchema>, Elector> = true;
const importRecordMatches: Same<z.infer<typeof importRecordSchema>, ImportRecord> = true;
void electorMatches;
void importRecordMatches;
