import { electoralDomain } from '../../shared/electoral/domain.js';
import { ELECTORAL_IMPORT_COMMAND } from '../../shared/electoral/schemas.js';
import type { HubDomain } from '../domain/hub-domain.js';
import { electoralImportHandler } from './import-command.js';

/** The electoral lists on the hub: the REU import command (demands are plain synced records, ruled by the shared declaration). */
export const electoralHub = {
  spec: electoralDomain,
  commands: { [ELECTORAL_IMPORT_COMMAND]: electoralImportHandler },
} satisfies HubDomain;
