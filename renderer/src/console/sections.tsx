import type { ReactNode } from 'react';
import type { StaffRole } from '../../../shared/console/staff.js';
import { ActsQueueScreen } from './acts/ActsQueueScreen.js';
import { AssistanceScreen } from './assistance/AssistanceScreen.js';
import { AuditScreen } from './audit/AuditScreen.js';
import { CollectivitesScreen } from './collectivites/CollectivitesScreen.js';
import { PostesScreen } from './postes/PostesScreen.js';
import { UpdatesScreen } from './updates/UpdatesScreen.js';

/**
 * The console's sections, in menu order: one line each. A section is reached at `#/<id>`;
 * `roles` lists who sees it (every staff role when absent). Another part of the console
 * (e.g. the assistance sessions) adds its line here.
 */
export interface ConsoleSection {
  id: string;
  /** Menu entry and page title. */
  label: string;
  roles?: readonly StaffRole[];
  render(): ReactNode;
}

export const CONSOLE_SECTIONS: readonly ConsoleSection[] = [
  { id: 'collectivites', label: 'Collectivités', render: () => <CollectivitesScreen /> },
  { id: 'postes', label: 'Postes', render: () => <PostesScreen /> },
  { id: 'actes', label: 'File ACTES', render: () => <ActsQueueScreen /> },
  { id: 'mises-a-jour', label: 'Mises à jour', render: () => <UpdatesScreen /> },
  { id: 'assistance', label: 'Assistance', render: () => <AssistanceScreen /> },
  { id: 'journal', label: 'Journal', render: () => <AuditScreen /> },
];

export function sectionsFor(role: StaffRole): ConsoleSection[] {
  return CONSOLE_SECTIONS.filter((s) => !s.roles || s.roles.includes(role));
}
