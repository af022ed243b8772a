import { useState, type ReactNode } from 'react';
import { Dialog } from './Dialog.js';

/**
 * A modal question with two answers. Focus goes to the safe answer, Tab stays
 * inside, Escape means "no", and focus returns where it was when it closes.
 */
export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  return <Dialog {...props} alert />;
}

/**
 * An action on one item of a list that asks first (revoke a device, disable
 * an account): `button(item, ariaLabel)`, labelled `confirmLabel`, opens the
 * question about that item; its confirm runs `act(item)` and closes. Render
 * `dialog` where the question should appear.
 */
export function useConfirmedAction<T>(options: {
  title: string;
  confirmLabel: string;
  body(item: T): ReactNode;
  act(item: T): void;
  /** Called when the question is answered « no » (to reset choices made inside it). */
  cancel?(): void;
}): {
  button(item: T, ariaLabel: string): ReactNode;
  dialog: ReactNode;
} {
  const [item, setItem] = useState<T | null>(null);
  const dialog =
    item === null ? null : (
      <ConfirmDialog
        title={options.title}
        confirmLabel={options.confirmLabel}
        danger
        onCancel={() => {
          options.cancel?.();
          setItem(null);
        }}
        onConfirm={() => {
          options.act(item);
          setItem(null);
        }}
      >
        {options.body(item)}
      </ConfirmDialog>
    );
  const button = (target: T, ariaLabel: string) => (
    <button type="button" onClick={() => setItem(target)} aria-label={ariaLabel}>
      {options.confirmLabel}
    </button>
  );
  return { button, dialog };
}
