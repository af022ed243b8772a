import { cadastreDomain } from '../../shared/cadastre/domain.js';
import type { ClientDomain } from '../core/client-domain.js';
import { CADASTRE_MIGRATIONS } from './migrations/index.js';
import { createCadastreModule } from './module.js';

/** Le plan cadastral on the PC: the territory's plan replicated from the hub, search, map, fiche and prints, offline. */
export const cadastreClient: ClientDomain = {
  spec: cadastreDomain,
  migrations: CADASTRE_MIGRATIONS,
  create: (ctx) => createCadastreModule(ctx),
};
