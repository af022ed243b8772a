/**
 * The cadastre plan on the PC (`cadastre:*` channels): the territory's
 * parcels and objects pulled from the hub (hub-written collections, one
 * record per object) into local SQLite, searched, mapped and printed offline.
 */
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { type BBox, bboxOf } from '../../shared/cadastre/geometry.js';
import type { CadastreChannels, ParcelFiche } from '../../shared/cadastre/ipc.js';
import { featureRecordSchema, parcelRecordSchema, vintageRecordSchema } from '../../shared/cadastre/records.js';
import type { CoreContext } from '../core/client-domain.js';
import type { LocalCollection } from '../core/context.js';
import type { ChannelHandlers } from '../core/handlers.js';
import { jsonCollection } from '../core/json-collection.js';
import { extractPdf, relevePdf } from './pdf.js';
import { createPlanStore, type PlanStore } from './plan-store.js';

export function cadastreCollections(db: Database.Database, store: PlanStore, log: Logger): LocalCollection[] {
  return [
    jsonCollection(db, log, {
      name: 'cadastre.parcels',
      schema: parcelRecordSchema,
      table: 'cadastre_parcels',
      idOf: (p) => p.id,
      write: (p, _id, version) => store.writeParcel(p, version),
    }),
    jsonCollection(db, log, {
      name: 'cadastre.features',
      schema: featureRecordSchema,
      table: 'cadastre_features',
      idOf: (f) => f.id,
      write: (f, _id, version) => store.writeFeature(f, version),
    }),
    jsonCollection(db, log, {
      name: 'cadastre.vintages',
      schema: vintageRecordSchema,
      table: 'cadastre_vintages',
      idOf: (v) => v.id,
      write: (v, _id, version) => store.writeVintage(v, version),
    }),
  ];
}

/** What the extract's frame can show around a parcel: its box grown by its own size on every side, at least ~150 m. */
function aroundBox(fiche: ParcelFiche): BBox {
  const [minx, miny, maxx, maxy] = bboxOf(fiche.parcel.geometry);
  const mx = Math.max(maxx - minx, 0.002);
  const my = Math.max(maxy - miny, 0.0014);
  return [minx - mx, miny - my, maxx + mx, maxy + my];
}

export function createCadastreModule(ctx: CoreContext): { handlers: ChannelHandlers<CadastreChannels>; collections: LocalCollection[] } {
  const store = createPlanStore(ctx.db);
  const read = () => ctx.requirePermission('cadastre.read');
  const handlers: ChannelHandlers<CadastreChannels> = {
    'cadastre:overview': () => {
      read();
      return { communes: store.vintages(), ...store.extent() };
    },
    'cadastre:search': ({ q, limit }) => {
      read();
      return store.search(q, limit);
    },
    'cadastre:map': ({ bbox, kinds }) => {
      read();
      return store.mapContent(bbox, kinds);
    },
    'cadastre:parcel': ({ id }) => {
      read();
      return store.fiche(id);
    },
    'cadastre:releve-pdf': ({ id }) => {
      read();
      return relevePdf(store.fiche(id), ctx.platform.now());
    },
    'cadastre:extract-pdf': ({ id }) => {
      read();
      const fiche = store.fiche(id);
      return extractPdf(fiche, store.mapContent(aroundBox(fiche)), ctx.platform.now());
    },
  };
  return { handlers, collections: cadastreCollections(ctx.db, store, ctx.log.child({ mod: 'cadastre' })) };
}
