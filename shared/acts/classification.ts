import { z } from 'zod';
import type { CodeNatureActe } from './natures.js';

/**
 * The prefecture's classification (`RetourClassification`, message 7-2):
 * per-nature typologies of documents and the tree of matières (5 levels),
 * versioned by `DateClassification`. Every act states the version it used.
 */
export interface TypologyPJ {
  /** `CodeTypePJ`, 5 characters such as `99_DE`; becomes the file-name prefix. */
  code: string;
  libelle: string;
}

export interface ClassificationNature {
  code: CodeNatureActe | number;
  libelle: string;
  typeAbrege: string;
  typologies: TypologyPJ[];
}

export interface Matiere {
  code: number;
  libelle: string;
  children: Matiere[];
}

export interface Classification {
  /** `DateClassification`, YYYY-MM-DD. */
  dateClassification: string;
  natures: ClassificationNature[];
  /** Level-1 matières; children go down to level 5. */
  matieres: Matiere[];
}

const text = (max: number) => z.string().max(max);
const matiereLevel = (depth: number): z.ZodType<Matiere> =>
  z.object({
    code: z.number().int().min(0).max(99),
    libelle: text(300),
    children: depth >= 5 ? z.array(z.never()).max(0) : z.array(z.lazy(() => matiereLevel(depth + 1))).max(200),
  }) as z.ZodType<Matiere>;

/** The `acts.classification` record, bounded (5 levels of matières, as the 7-2 message allows). */
export const classificationSchema: z.ZodType<Classification> = z.object({
  dateClassification: z.string().regex(/^\d{4}-\d{2}-\d{2}$|^$/),
  natures: z
    .array(
      z.object({
        code: z.number().int().min(0).max(99),
        libelle: text(300),
        typeAbrege: text(10),
        typologies: z.array(z.object({ code: text(10), libelle: text(300) })).max(500),
      }),
    )
    .max(20),
  matieres: z.array(matiereLevel(1)).max(200),
});

/** Typologies the prefecture accepts for a nature (empty when the nature is unknown). */
export function typologiesForNature(classification: Classification, nature: number): TypologyPJ[] {
  return classification.natures.find((n) => n.code === nature)?.typologies ?? [];
}

/**
 * Resolve a path of matière codes (level 1 first) in the tree; returns the
 * matières found, or null when a code does not exist at its level.
 */
export function resolveMatieres(classification: Classification, codes: readonly number[]): Matiere[] | null {
  const found: Matiere[] = [];
  let level = classification.matieres;
  for (const code of codes) {
    const m = level.find((x) => x.code === code);
    if (!m) return null;
    found.push(m);
    level = m.children;
  }
  return found;
}
