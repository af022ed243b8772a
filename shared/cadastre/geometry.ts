import type { PlanGeometry, Position, SurfaceGeometry } from './records.js';

/**
 * Plane geometry on small areas (one commune): longitude is scaled by
 * cos(latitude), so distances and areas are in metres to within a few per
 * mille — enough to find a division's children, a neighbour or a nearest
 * street, never to state a contenance (that is the DGFiP's `SUPF`).
 */

export type BBox = [minX: number, minY: number, maxX: number, maxY: number];

const METRES_PER_DEGREE = 111_320;

export function bboxOf(g: PlanGeometry): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of positionsOf(g)) {
    if (x < b[0]) b[0] = x;
    if (y < b[1]) b[1] = y;
    if (x > b[2]) b[2] = x;
    if (y > b[3]) b[3] = y;
  }
  return b;
}

export function positionsOf(g: PlanGeometry): Position[] {
  switch (g.type) {
    case 'Point':
      return [g.coordinates];
    case 'LineString':
      return g.coordinates;
    case 'Polygon':
      return g.coordinates.flat();
    case 'MultiPolygon':
      return g.coordinates.flat(2);
  }
}

export function polygonsOf(g: SurfaceGeometry): Position[][][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

function inRing([x, y]: Position, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as Position;
    const [xj, yj] = ring[j] as Position;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Inside the surface (outer ring in, holes out). */
export function containsPoint(g: SurfaceGeometry, p: Position): boolean {
  return polygonsOf(g).some(([outer, ...holes]) => outer !== undefined && inRing(p, outer) && !holes.some((h) => inRing(p, h)));
}

/** A point surely inside the largest polygon: the middle of the widest chord along the horizontal through its centre. */
export function interiorPoint(g: SurfaceGeometry): Position {
  const polys = polygonsOf(g);
  const largest = polys.reduce((a, b) => (ringAreaM2(b[0] ?? []) > ringAreaM2(a[0] ?? []) ? b : a));
  const [minX, minY, maxX, maxY] = bboxOf({ type: 'Polygon', coordinates: largest });
  const y = (minY + maxY) / 2 + (maxY - minY) * 1e-6;
  const xs: number[] = [];
  for (const ring of largest) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i] as Position;
      const [xj, yj] = ring[j] as Position;
      if (yi > y !== yj > y) xs.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
    }
  }
  xs.sort((a, b) => a - b);
  let best: Position = [(minX + maxX) / 2, y];
  let width = -1;
  for (let i = 0; i + 1 < xs.length; i += 2) {
    const w = (xs[i + 1] as number) - (xs[i] as number);
    if (w > width) {
      width = w;
      best = [((xs[i] as number) + (xs[i + 1] as number)) / 2, y];
    }
  }
  return best;
}

/** Area of a ring in m² (shoelace on the locally scaled plane). */
export function ringAreaM2(ring: Position[]): number {
  if (ring.length < 3) return 0;
  const k = Math.cos(((ring[0] as Position)[1] * Math.PI) / 180);
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as Position;
    const [xj, yj] = ring[j] as Position;
    s += xj * k * yi - xi * k * yj;
  }
  return Math.abs(s / 2) * METRES_PER_DEGREE * METRES_PER_DEGREE;
}

export function surfaceAreaM2(g: SurfaceGeometry): number {
  return polygonsOf(g).reduce((sum, [outer, ...holes]) => sum + ringAreaM2(outer ?? []) - holes.reduce((h, r) => h + ringAreaM2(r), 0), 0);
}

/** Distance in metres from a point to a polyline. */
export function distanceToLineM(p: Position, line: Position[]): number {
  const k = Math.cos((p[1] * Math.PI) / 180);
  let best = Infinity;
  for (let i = 0; i + 1 < line.length; i++) {
    const [ax, ay] = line[i] as Position;
    const [bx, by] = line[i + 1] as Position;
    const dx = (bx - ax) * k;
    const dy = by - ay;
    const px = (p[0] - ax) * k;
    const py = p[1] - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, (px * dx + py * dy) / len2));
    best = Math.min(best, Math.hypot(px - t * dx, py - t * dy));
  }
  return best * METRES_PER_DEGREE;
}

export function bboxesTouch(a: BBox, b: BBox, margin = 0): boolean {
  return a[0] <= b[2] + margin && b[0] <= a[2] + margin && a[1] <= b[3] + margin && b[1] <= a[3] + margin;
}

/** Vertex keys of a surface: EDIGEO builds parcels from shared arcs, so touching parcels share vertices exactly. */
export function vertexKeys(g: SurfaceGeometry): Set<string> {
  return new Set(positionsOf(g).map(([x, y]) => `${x.toFixed(7)},${y.toFixed(7)}`));
}

/** Touching: at least two common vertices (a common edge), or one (a corner). */
export function sharesVertex(a: Set<string>, b: SurfaceGeometry): boolean {
  return positionsOf(b).some(([x, y]) => a.has(`${x.toFixed(7)},${y.toFixed(7)}`));
}
