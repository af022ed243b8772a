import { useState } from 'react';

/**
 * State of a plain form of text fields: values, per-field errors shown by
 * `<Field>`, and a `submitted` counter that re-mounts the error summary so
 * screen readers announce it again on every failed submit.
 */
export function useForm<V extends { [K in keyof V]: string }>(initial: V) {
  const [values, setValues] = useState<V>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitted, setSubmitted] = useState(0);

  const bind = (key: keyof V & string) => ({
    value: values[key],
    onChange: (e: { target: { value: string } }) => setValues((old) => ({ ...old, [key]: e.target.value })),
    error: errors[key] ?? null,
  });

  /** Shows the problems found at submit time; true when there are none. */
  const report = (found: Record<string, string>): boolean => {
    setErrors(found);
    setSubmitted((n) => n + 1);
    return Object.keys(found).length === 0;
  };

  return { values, setValues, errors, submitted, bind, report };
}
