import type { z } from 'zod';

/**
 * Run a shared zod schema (the same one the core checks) and keep the first
 * French message per field, so the form and the core never disagree.
 */
export function fieldErrors<T>(schema: z.ZodType<T>, value: unknown): { ok: true; value: T } | { ok: false; errors: Record<string, string> } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.join('.') || '_';
    if (!errors[key]) errors[key] = frenchIssue(issue);
  }
  return { ok: false, errors };
}

// Zod's default texts are English; the shared schemas carry French messages where they matter,
// the rest fall back to plain French here.
function frenchIssue(issue: z.core.$ZodIssue): string {
  const msg = issue.message;
  if (/[éèàùç]|^(Le|La|L'|Les|Code|Date|Adresse)/.test(msg)) return msg;
  switch (issue.code) {
    case 'too_small':
      return 'Ce champ est obligatoire ou trop court.';
    case 'too_big':
      return 'Ce champ est trop long.';
    case 'invalid_format':
      return "Ce champ n'a pas le bon format.";
    default:
      return 'Valeur invalide.';
  }
}
