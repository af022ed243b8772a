import { z } from 'zod';

// Plain-French messages for zod's generic checks (a secretary reads these, not a developer);
// zod's French locale for the rest. The shared schemas' own messages still win over both.
z.config({
  ...z.locales.fr(),
  customError: (issue) => {
    if (issue.code === 'too_small' && issue.origin === 'string')
      return Number(issue.minimum) <= 1 ? 'Ce champ est obligatoire.' : `Ce champ doit faire au moins ${String(issue.minimum)} caractères.`;
    if (issue.code === 'too_big' && issue.origin === 'string') return `Ce champ doit faire au plus ${String(issue.maximum)} caractères.`;
    return undefined;
  },
});

/**
 * Run a shared zod schema (the same one the core checks) and keep the first
 * French message per field, so the form and the core never disagree.
 */
export function fieldErrors<T>(
  schema: z.ZodType<T>,
  value: unknown,
): { ok: true; value: T } | { ok: false; errors: Record<string, string> } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.join('.') || '_';
    if (!errors[key]) errors[key] = issue.message;
  }
  return { ok: false, errors };
}
