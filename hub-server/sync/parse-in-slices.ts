import { z } from 'zod';

/** Elements validated between two turns of the event loop. */
const SLICE = 2_000;
const pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * `schema.safeParse(value)` for a command payload, with a pause between slices of its long arrays: a
 * 35 000-elector list takes the event loop for most of a second in one go. An object's top-level arrays
 * longer than a slice are validated element by element; anything else (and what these do not cover:
 * array checks other than lengths, refinements of the object) goes to the plain `safeParse`.
 */
export async function parseInSlices(schema: z.ZodType, value: unknown): Promise<z.ZodSafeParseResult<unknown>> {
  if (!(schema instanceof z.ZodObject) || typeof value !== 'object' || value === null || Array.isArray(value))
    return schema.safeParse(value);
  const shape = schema.shape as Record<string, z.ZodType>;
  const input = value as Record<string, unknown>;
  const long = Object.keys(shape).filter((k) => {
    const s = shape[k];
    return s instanceof z.ZodArray && Array.isArray(input[k]) && input[k].length > SLICE && lengthsOnly(s);
  });
  if (long.length === 0 || (schema._zod.def.checks?.length ?? 0) > 0) return schema.safeParse(value);

  // The rest of the object (with the long arrays as they are, unchecked), then each array a slice at a time.
  const shell = schema.extend(Object.fromEntries(long.map((k) => [k, z.array(z.unknown())])));
  const head = shell.safeParse(value);
  if (!head.success) return head;
  const out = head.data as Record<string, unknown>;
  for (const k of long) {
    const arraySchema = shape[k] as z.ZodArray<z.ZodType>;
    const items = input[k] as unknown[];
    const lengthIssue = checkLength(arraySchema, items.length, k);
    if (lengthIssue) return lengthIssue;
    const slice = z.array(arraySchema.element);
    const parsed: unknown[] = [];
    for (let start = 0; start < items.length; start += SLICE) {
      await pause();
      const r = slice.safeParse(items.slice(start, start + SLICE));
      if (!r.success)
        return {
          success: false,
          error: new z.ZodError(r.error.issues.map((i) => ({ ...i, path: [k, start + Number(i.path[0]), ...i.path.slice(1)] }))),
        };
      for (const item of r.data) parsed.push(item);
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
