import { z } from 'zod';
import type { ChannelSpec, InputSchemas } from '../api/channel.js';
import { demandFollowUpInputs, justificatifFileSchema, type DemandFollowUpChannels } from './demand-ipc.js';
import type { RemovalShare } from './mass-removal.js';
import {
  DEMAND_KINDS,
  DEMAND_STATUSES,
  LIST_TYPES,
  demandFieldsSchema,
  type Demand,
  type Elector,
  type ElectorSummary,
  type ImportRecord,
  type ListType,
} from './types.js';

export interface ImportDiffEntry {
  electorId: string;
  label: string; // "DUPONT Marie (12/03/1950)" — shown only to roles with electoral.read
  change: 'added' | 'removed' | 'bureau' | 'address';
  before?: string;
  after?: string;
}

export interface ImportPreview {
  previewId: string;
  fileName: string;
  fileSha256: string;
  extractDate: string | null;
  encoding: 'utf-8' | 'windows-1252';
  counts: Record<ListType, number>;
  total: number;
  diff: ImportRecord['diff'];
  /** First entries of the diff (the full diff is paged with electoral:import-diff). */
  diffSample: ImportDiffEntry[];
  warnings: string[];
  /** The same file was already imported: nothing would change. */
  alreadyImported: boolean;
  /**
   * How much of the current list the file removes; when `massRemoval`, the
   * commit needs `confirmMassRemoval: true` (shared/electoral/mass-removal.ts).
   */
  removal: RemovalShare;
}

export interface SearchResult {
  total: number;
  items: ElectorSummary[];
}

export interface ElectorFiche {
  elector: Elector;
  demands: Demand[];
}

export const searchInputSchema = z.object({
  query: z.string().max(200),
  listType: z.enum(LIST_TYPES).nullable().default(null),
  offset: z.number().int().nonnegative().default(0),
  limit: z.number().int().min(1).max(500).default(100),
});

export const createDemandInputSchema = demandFieldsSchema
  .pick({
    kind: true,
    electorId: true,
    applicant: true,
    newAddress: true,
    newBureauCode: true,
    comment: true,
    list: true,
    depositDate: true,
    nationality: true,
    birthPlace: true,
    ine: true,
    email: true,
  })
  // The justificatifs' bytes: stored on the PC in the same step (demand-handlers.ts).
  .extend({ files: z.array(justificatifFileSchema).max(20).default([]) });
export type CreateDemandInput = z.input<typeof createDemandInputSchema>;

export interface ElectoralChannels extends DemandFollowUpChannels {
  'electoral:import-preview': ChannelSpec<{ fileName: string; content: Uint8Array }, ImportPreview>;
  'electoral:import-diff': ChannelSpec<{ previewId: string; offset: number; limit: number }, { total: number; items: ImportDiffEntry[] }>;
  'electoral:import-commit': ChannelSpec<{ previewId: string; confirmMassRemoval?: boolean }, ImportRecord>;
  'electoral:import-cancel': ChannelSpec<{ previewId: string }, null>;
  'electoral:imports': ChannelSpec<null, ImportRecord[]>;
  'electoral:search': ChannelSpec<z.input<typeof searchInputSchema>, SearchResult>;
  'electoral:elector': ChannelSpec<{ id: string }, ElectorFiche>;
  'electoral:demands': ChannelSpec<{ status: Demand['status'] | null }, (Demand & { version: number | null; pending: boolean })[]>;
  'electoral:create-demand': ChannelSpec<CreateDemandInput, Demand>;
  'electoral:set-demand-status': ChannelSpec<{ id: string; status: Demand['status'] }, Demand>;
}

export const electoralInputs: InputSchemas<ElectoralChannels> = {
  'electoral:import-preview': z.object({ fileName: z.string().min(1).max(255), content: z.instanceof(Uint8Array) }),
  'electoral:import-diff': z.object({
    previewId: z.string(),
    offset: z.number().int().nonnegative(),
    limit: z.number().int().min(1).max(500),
  }),
  'electoral:import-commit': z.object({ previewId: z.string(), confirmMassRemoval: z.boolean().optional() }),
  'electoral:import-cancel': z.object({ previewId: z.string() }),
  'electoral:imports': z.null(),
  'electoral:search': searchInputSchema as z.ZodType<z.input<typeof searchInputSchema>>,
  'electoral:elector': z.object({ id: z.string() }),
  'electoral:demands': z.object({ status: z.enum(DEMAND_STATUSES).nullable() }),
  'electoral:create-demand': createDemandInputSchema,
  'electoral:set-demand-status': z.object({ id: z.string(), status: z.enum(DEMAND_STATUSES) }),
  ...demandFollowUpInputs,
};

export interface ElectoralEvents {
  'electoral:import-progress': { phase: 'lecture' | 'controle' | 'comparaison' | 'enregistrement'; done: number; total: number };
}

export { DEMAND_KINDS };
