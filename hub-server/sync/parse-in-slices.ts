import { z } from 'zod';
import { timeSlices, type TurnIfDue } from './time-slices.js';

/** Arrays at least this long are validated element by element, with turns of the event loop between. */
const LONG = 2_000;

/**
 * `schema.safeParse(value)` for a command payload, giving the event loop a turn whenever a time slice is used
 * up (`turnIfDue`, shared with the rest of the preparation): a 35 000-elector list takes the event loop for
 * most of a second in one go. An object's top-level arrays longer than `LONG` are validated element by
 * element (an invalid element answers its own issues); anything else (and what these do not cover: array
 * checks other than lengths, refinements of the object) goes to the plain `safeParse`.
 */
export async function parseInSlices(
  schema: z.ZodType,
  value: unknown,
  turnIfDue: TurnIfDue = timeSlices(),
): Promise<z.ZodSafeParseResult<unknown>> {
  if (!(schema instanceof z.ZodObject) || typeof value !== 'object' || value === null || Array.isArray(value))
    return schema.safeParse(value);
  const shape = schema.shape as Record<string, z.ZodType>;
  const input = value as Record<string, unknown>;
  const long = Object.keys(shape).filter((k) => {
    const s = shape[k];
    return s instanceof z.ZodArray && Array.isArray(input[k]) && input[k].length > LONG && lengthsOnly(s);
  });
  if (long.length === 0 || (schema._zod.def.checks?.length ?? 0) > 0) return schema.safeParse(value);

  // The rest of the object (with the long arrays as they are, unchecked), then each array element by element.
  const shell = schema.extend(Object.fromEntries(long.map((k) => [k, z.array(z.unknown())])));
  const head = shell.safeParse(value);
  if (!head.success) return head;
  const out = head.data as Record<string, unknown>;
  for (const k of long) {
    const arraySchema = shape[k] as z.ZodArray<z.ZodType>;
    const items = input[k] as unknown[];
    const lengthIssue = checkLength(arraySchema, items.length, k);
    if (lengthIssue) return lengthIssue;
    const element = arraySchema.element;
    // Filled in place: no slice copies, no second array (the import window was ~27 % GC).
    const parsed: unknown[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const turn = turnIfDue();
      if (turn) await turn;
      const r = element.safeParse(items[i]);
      if (!r.success)
        return { success: false, error: new z.ZodError(r.error.issues.map((issue) => ({ ...issue, path: [k, i, ...issue.path] }))) };
      parsed[i] = r.data;
    }
    out[k] = parsed;
  }
  return { success: true, data: out };
}

type LengthCheck = { check: string; minimum?: number; maximum?: number; length?: number };
const checksOf = (s: z.ZodType): LengthCheck[] => (s._zod.def.checks ?? []).map((c) => c._zod.def as LengthCheck);

function lengthsOnly(s: z.ZodType): boolean {
  return checksOf(s).every((c) => c.check === 'min_length' || c.check === 'max_length' || c.check === 'length_equals');
}

/** The array's own length checks, judged by the schema itself on an array of that length (of nothing: elements are checked apart). */
function checkLength(s: z.ZodArray<z.ZodType>, length: number, key: string): z.ZodSafeParseResult<unknown> | null {
  for (const c of checksOf(s)) {
    const ok =
      c.check === 'min_length'
        ? length >= (c.minimum ?? 0)
        : c.check === 'max_length'
          ? length <= (c.maximum ?? Infinity)
          : length === c.length;
    if (!ok)
      return {
        success: false,
        error: new z.ZodError([
          {
            code: c.check === 'min_length' ? 'too_small' : 'too_big',
            origin: 'array',
            path: [key],
            message: 'length',
            input: undefined,
          } as never,
        ]),
      };
  }
  return null;
}
