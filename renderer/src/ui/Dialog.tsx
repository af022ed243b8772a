import { useEffect, useId, useRef, type FormEvent, type ReactNode, type RefObject } from 'react';

const FOCUSABLE = 'input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled])';

/**
 * The shell of every modal: overlay, labelled title, Cancel and Confirm
 * buttons. Focus goes to `initialFocus` (by default the safe answer, Cancel),
 * Tab stays inside, Escape cancels, and focus returns where it was when it
 * closes.
 *
 * `alert`: a question (role alertdialog), its body read out as the
 * description. `submit`: the dialog is a form (it holds fields), Enter or the
 * Confirm button submits it.
 */
export function Dialog(props: {
  title: string;
  children: ReactNode;
  confirmLabel: ReactNode;
  cancelLabel?: string;
  danger?: boolean;
  busy?: boolean;
  alert?: boolean;
  submit?: boolean;
  initialFocus?: RefObject<HTMLElement | null>;
  onConfirm(): void;
  onCancel(): void;
}) {
  const { title, children, confirmLabel, cancelLabel = 'Annuler', danger, busy, alert, submit, initialFocus, onConfirm, onCancel } = props;
  const titleId = useId();
  const bodyId = useId();
  const box = useRef<HTMLFormElement & HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: only when it opens (and gives focus back when it closes), not whenever a parent passes a new ref
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    (initialFocus ?? cancel).current?.focus();
    return () => before?.focus?.();
  }, []);

  function onKeyDown(e: React.KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
    } else if (e.key === 'Tab') {
      const items = box.current?.querySelectorAll<HTMLElement>(FOCUSABLE);
      if (!items || items.length === 0) return;
      const first = items[0];
      const last = items[items.length - 1];
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  }

  const common = {
    className: 'dialog',
    role: alert ? 'alertdialog' : 'dialog',
    'aria-modal': true,
    'aria-labelledby': titleId,
    'aria-describedby': alert ? bodyId : undefined,
    ref: box,
    onKeyDown,
  } as const;
  const content = (
    <>
      <h2 id={titleId}>{title}</h2>
      {alert ? <div id={bodyId}>{children}</div> : children}
      <div className="actions">
        <button type="button" ref={cancel} onClick={onCancel} disabled={busy}>
          {cancelLabel}
        </button>
        <button
          type={submit ? 'submit' : 'button'}
          className={danger ? 'danger' : 'primary'}
          onClick={submit ? undefined : onConfirm}
          disabled={busy}
        >
          {confirmLabel}
        </button>
      </div>
    </>
  );
  return (
    <div className="overlay">
      {submit ? (
        <form
          {...common}
          noValidate
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            onConfirm();
          }}
        >
          {content}
        </form>
      ) : (
        <div {...common}>{content}</div>
      )}
    </div>
  );
}
