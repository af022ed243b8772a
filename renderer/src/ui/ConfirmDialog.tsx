import type { ReactNode } from 'react';
import { Dialog } from './Dialog.js';

/**
 * A modal question with two answers. Focus goes to the safe answer, Tab stays
 * inside, Escape means "no", and focus returns where it was when it closes.
 */
export function ConfirmDialog(props: { title: string; children: ReactNode; confirmLabel: string; cancelLabel?: string; danger?: boolean; busy?: boolean; onConfirm(): void; onCancel(): void }) {
  return <Dialog {...props} alert />;
}
