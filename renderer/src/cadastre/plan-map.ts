import 'ol/ol.css';
import type Feature from 'ol/Feature.js';
import OlMap from 'ol/Map.js';
import View from 'ol/View.js';
import { defaults as defaultControls, ScaleLine } from 'ol/control.js';
import type { Extent } from 'ol/extent.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import VectorLayer from 'ol/layer/Vector.js';
import { transformExtent } from 'ol/proj.js';
import VectorSource from 'ol/source/Vector.js';
import { bbox as bboxStrategy } from 'ol/loadingstrategy.js';
import { Fill, Stroke, Style, Text } from 'ol/style.js';
import type { FeatureLike } from 'ol/Feature.js';
import type { MapContent } from '../../../shared/cadastre/ipc.js';
import type { BBox } from '../../../shared/cadastre/geometry.js';

/**
 * The plan with OpenLayers, rendered on a Canvas 2D (ol's vector layers; no
 * WebGL layer is used), so it draws on any town-hall PC, WebGL or not. Its
 * only source is the territory's local data, asked by view (bbox strategy):
 * no internet basemap.
 */
export interface PlanMap {
  fit(extent: BBox): void;
  highlight(ids: readonly string[]): void;
  select(id: string | null, extent?: BBox): void;
  dispose(): void;
}

const format = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });
const LABELS_BELOW = 2.5; // metres per pixel: parcel numbers only when zoomed in enough to read them

export function createPlanMap(target: HTMLElement, load: (bbox: BBox) => Promise<MapContent>, onParcel: (id: string) => void): PlanMap {
  let highlighted = new Set<string>();
  let selected: string | null = null;
  const source = new VectorSource({
    strategy: bboxStrategy,
    loader: (extent, _resolution, projection, success, failure) => {
      const [minx, miny, maxx, maxy] = transformExtent(extent, projection, 'EPSG:4326') as BBox;
      load([minx, miny, maxx, maxy]).then(
        (content) => {
          const features: Feature[] = [];
          for (const f of content.features) {
            const feature = format.readFeature({
              type: 'Feature',
              id: f.id,
              geometry: f.geometry,
              properties: { kind: f.kind, label: f.label, dur: f.dur },
            }) as Feature;
            features.push(feature);
          }
          for (const p of content.parcels) {
            features.push(
              format.readFeature({
                type: 'Feature',
                id: p.id,
                geometry: p.geometry,
                properties: { kind: 'parcel', label: p.label },
              }) as Feature,
            );
          }
          // Loaded again when the view moves: features already there (same id) are skipped.
          source.addFeatures(features.filter((f) => !source.getFeatureById(f.getId() as string)));
          success?.(features);
        },
        () => failure?.(),
      );
    },
  });
  const style = (feature: FeatureLike, resolution: number): Style | undefined => styleOf(feature, resolution, highlighted, selected);
  const layer = new VectorLayer({ source, style, declutter: false, renderBuffer: 50 });
  const map = new OlMap({
    target,
    layers: [layer],
    controls: defaultControls({ attribution: false }).extend([new ScaleLine({ units: 'metric' })]),
    view: new View({ center: [0, 0], zoom: 2, maxZoom: 22 }),
  });
  map.on('singleclick', (e) => {
    const hit = map.forEachFeatureAtPixel(e.pixel, (f) => (f.get('kind') === 'parcel' ? f : undefined));
    if (hit) onParcel(String(hit.getId()));
  });
  const toView = (b: BBox): Extent => transformExtent(b, 'EPSG:4326', 'EPSG:3857');
  return {
    fit(extent) {
      map.getView().fit(toView(extent), { padding: [20, 20, 20, 20] });
    },
    highlight(ids) {
      highlighted = new Set(ids);
      layer.changed();
    },
    select(id, extent) {
      selected = id;
      if (extent) map.getView().fit(toView(extent), { padding: [80, 80, 80, 80], maxZoom: 19, duration: 250 });
      layer.changed();
    },
    dispose() {
      map.setTarget(undefined);
    },
  };
}

const stroke = (color: string, width: number) => new Stroke({ color, width });
const STYLES = {
  commune: new Style({ stroke: stroke('#333', 2.5) }),
  section: new Style({ stroke: stroke('#7a4b9c', 1.5) }),
  feuille: new Style({ stroke: stroke('#b07cc6', 0.8) }),
  batimentDur: new Style({ fill: new Fill({ color: '#9a9a9a' }), stroke: stroke('#6a6a6a', 0.6) }),
  batimentLeger: new Style({ fill: new Fill({ color: '#d6d6d6' }), stroke: stroke('#8a8a8a', 0.6) }),
  subdfisc: new Style({ stroke: new Stroke({ color: '#8a8a8a', width: 0.6, lineDash: [4, 3] }) }),
};

function textStyle(text: string, size: number, color: string, italic = false): Text {
  return new Text({
    text,
    font: `${italic ? 'italic ' : ''}${size}px sans-serif`,
    fill: new Fill({ color }),
    stroke: new Stroke({ color: '#fff', width: 3 }),
    overflow: true,
  });
}

function styleOf(f: FeatureLike, resolution: number, highlighted: Set<string>, selected: string | null): Style | undefined {
  const kind = f.get('kind') as string;
  const label = (f.get('label') as string | null) ?? '';
  switch (kind) {
    case 'parcel': {
      const id = String(f.getId());
      const isSelected = id === selected;
      const isHit = highlighted.has(id);
      return new Style({
        fill: new Fill({ color: isSelected ? 'rgba(245,166,35,0.55)' : isHit ? 'rgba(52,120,246,0.35)' : 'rgba(255,255,255,0.01)' }),
        stroke: stroke(isSelected ? '#c0392b' : isHit ? '#1f5fd6' : '#555', isSelected || isHit ? 2.5 : 0.7),
        text: resolution < LABELS_BELOW || isSelected || isHit ? textStyle(label, 11, '#222') : undefined,
      });
    }
    case 'batiment':
      return f.get('dur') === 'leger' ? STYLES.batimentLeger : STYLES.batimentDur;
    case 'commune':
    case 'section':
    case 'feuille':
    case 'subdfisc':
      if (kind === 'section' && resolution < 20)
        return new Style({ stroke: STYLES.section.getStroke() ?? undefined, text: textStyle(label, 16, '#7a4b9c') });
      return STYLES[kind];
    case 'lieudit':
      return resolution < 8 ? new Style({ text: textStyle(label, 12, '#1d5e2a', true) }) : undefined;
    case 'voie':
      return resolution < 3 ? new Style({ text: textStyle(label, 10, '#444', true) }) : undefined;
    default:
      return undefined;
  }
}
