/** Plane geometry for labels on the canvas, in viewport pixels (also used by the browser tests). */

export type Point = [number, number];
/** A convex quadrilateral, corners in order. */
export type Quad = [Point, Point, Point, Point];

export const rectangle = (left: number, top: number, right: number, bottom: number): Quad => [[left, top], [right, top], [right, bottom], [left, bottom]];

/** Two convex quadrilaterals overlap unless one of their edges' normals separates them (touching is not overlapping). */
export function overlaps(a: Quad, b: Quad): boolean {
  for (const shape of [a, b]) {
    for (let i = 0; i < 4; i++) {
      const [x1, y1] = shape[i];
      const [x2, y2] = shape[(i + 1) % 4];
      const [nx, ny] = [y2 - y1, x1 - x2];
      const project = (q: Quad) => q.map(([x, y]) => x * nx + y * ny);
      const [pa, pb] = [project(a), project(b)];
      if (Math.max(...pa) <= Math.min(...pb) || Math.max(...pb) <= Math.min(...pa)) return false;
    }
  }
  return true;
}
