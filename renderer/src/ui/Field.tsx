import { useEffect, useId, useRef, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';

type FieldProps = { label: string; hint?: ReactNode; error?: string | null; id?: string };
/** What the control inside a field carries to be tied to its label, hint and error. */
type ControlProps = { id: string; 'aria-invalid': true | undefined; 'aria-describedby': string | undefined };

/**
 * The wrapper of every form field: a label, its hint and error tied to the
 * control by aria-describedby, so a screen reader reads the label, the hint
 * and the error together (RGAA 11). `children` draws the control with the
 * props it is given.
 */
export function FieldShell({ label, hint, error, id: givenId, children }: FieldProps & { children(control: ControlProps): ReactNode }) {
  const autoId = useId();
  const id = givenId ?? autoId;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field field-error' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="error-text" id={errorId}>
          {error}
        </p>
      ) : null}
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
    </div>
  );
}

/** A labelled input with its hint and error. */
export function Field(props: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const { label, hint, error, id, ...input } = props;
  return (
    <FieldShell label={label} hint={hint} error={error} id={id}>
      {(control) => <input {...control} {...input} />}
    </FieldShell>
  );
}

/**
 * A date, typed JJ/MM/AAAA the same way on every screen and in every browser
 * language (no date picker: its format follows the OS, not the counter). The
 * caller reads the text with `parseFrenchDate`.
 */
export function DateField(props: FieldProps & { example: string } & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  const { example, hint, ...rest } = props;
  return (
    <Field
      hint={
        <>
          JJ/MM/AAAA, par exemple {example}.{hint ? <> {hint}</> : null}
        </>
      }
      inputMode="numeric"
      autoComplete="off"
      maxLength={10}
      className="date-input"
      {...rest}
    />
  );
}

/** A labelled select with its hint and error. */
export function SelectField(props: FieldProps & { children: ReactNode } & SelectHTMLAttributes<HTMLSelectElement>) {
  const { label, hint, error, id, children, ...select } = props;
  return (
    <FieldShell label={label} hint={hint} error={error} id={id}>
      {(control) => (
        <select {...control} {...select}>
          {children}
        </select>
      )}
    </FieldShell>
  );
}

/**
 * The errors in the order of the form: `labels` lists the fields in that order;
 * a key it lacks (`annexes.2.typology`) takes its first part's place (`annexes`);
 * what is left keeps its order, after them.
 */
export function inFormOrder(keys: readonly string[], order: readonly string[]): string[] {
  const rank = (key: string) => {
    const exact = order.indexOf(key);
    if (exact >= 0) return exact;
    const head = order.indexOf(key.split('.')[0]);
    return head >= 0 ? head + 0.5 : order.length;
  };
  return keys
    .map((key, i) => ({ key, i, r: rank(key) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((k) => k.key);
}

/** Errors listed at the top of a form after a failed submit, in the form's order; focused so the user hears them. */
export function ErrorSummary({
  errors,
  labels = {},
  title = 'Le formulaire contient des erreurs :',
}: {
  errors: Record<string, string>;
  /** Labels of the fields, in the order of the form. */
  labels?: Record<string, string>;
  title?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const lines = inFormOrder(Object.keys(errors), Object.keys(labels)).map((key) =>
    labels[key] ? `${labels[key]} : ${errors[key]}` : errors[key],
  );
  const shown = lines.length > 0;
  // Focus once when shown (callers remount it on each submit with a key), never while typing.
  useEffect(() => {
    if (shown) ref.current?.focus();
  }, [shown]);
  if (!shown) return null;
  return (
    <div className="alert alert-error" role="alert" tabIndex={-1} ref={ref}>
      <p>
        <strong>{title}</strong>
      </p>
      <ul>
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </div>
  );
}

/** Status or error line read out by screen readers when it changes. */
export function LiveMessage({ error, status }: { error?: string | null; status?: string | null }) {
  return (
    <>
      <div role="alert" className={error ? 'alert alert-error' : 'sr-empty'}>
        {error ?? ''}
      </div>
      <div role="status" aria-live="polite" className={status ? 'alert alert-info' : 'sr-empty'}>
        {status ?? ''}
      </div>
    </>
  );
}
