import { registerCommand } from '../sync/commands.js';
import { electoralImportCommand } from './import-command.js';

export { electoralImportCommand, applyElectoralImport } from './import-command.js';

/** Register the electoral commands with the sync push (idempotent: every hub built in a process calls it). */
export function registerElectoralCommands(): void {
  registerCommand(electoralImportCommand);
}
