/**
 * Names and edge labels that never sit on one another: sigma 3 draws every label its grid picks and
 * every edge label it is given, over each other. Here each frame's labels are collected first, then
 * drawn in order of importance, each only if its box clears those already drawn: names first (the
 * selected entity's, the path's and the answer's, the searched ones', then the larger entities),
 * then edge labels (the path's and the answer's first), each edge label also clear of every disc.
 * What is left out is still in the entity list, the side panel and the path panel; zooming in makes
 * room for it.
 */
import type Sigma from "sigma";
import { drawDiscNodeLabel, drawStraightEdgeLabel } from "sigma/rendering";
import type { Settings } from "sigma/settings";
import type { EdgeDisplayData, NodeDisplayData, PartialButFor } from "sigma/types";
import { overlaps, rectangle as box, type Point, type Quad } from "./geometry";

/** What sigma hands a label drawer: the display data, with `key` (sigma adds it, its types do not say so). */
type NodeLabelData = PartialButFor<NodeDisplayData, "x" | "y" | "size"> & { key?: string };
type EdgeLabelData = PartialButFor<EdgeDisplayData, "label" | "color" | "size"> & { key?: string };

/**
 * Where sigma's drawStraightEdgeLabel puts a label (same arithmetic: between the discs, under the
 * line, turned along it), or null when it draws none (the discs touch). The box is the label cut
 * to the edge's length as sigma cuts it.
 */
function edgeLabelQuad(ctx: CanvasRenderingContext2D, label: string, edge: { size: number }, s: NodeLabelData, t: NodeLabelData, settings: Settings): Quad | null {
  const size = settings.edgeLabelSize;
  const [dx0, dy0] = [t.x - s.x, t.y - s.y];
  const d0 = Math.hypot(dx0, dy0);
  if (d0 < s.size + t.size) return null;
  const [sx, sy] = [s.x + (dx0 * s.size) / d0, s.y + (dy0 * s.size) / d0];
  const [tx, ty] = [t.x - (dx0 * t.size) / d0, t.y - (dy0 * t.size) / d0];
  const [dx, dy] = [tx - sx, ty - sy];
  const d = Math.hypot(dx, dy);
  ctx.font = `${settings.edgeLabelWeight} ${size}px ${settings.edgeLabelFont}`;
  const width = Math.min(ctx.measureText(label).width, d);
  const [cx, cy] = [(sx + tx) / 2, (sy + ty) / 2];
  // sigma turns the text so that it never reads upside down: the same line either way.
  const angle = dx > 0 ? Math.atan2(dy, dx) : Math.atan2(-dy, -dx);
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  const top = edge.size / 2 + 0.15 * size;
  const bottom = edge.size / 2 + 1.25 * size;
  const at = (x: number, y: number): Point => [cx + x * cos - y * sin, cy + x * sin + y * cos];
  return [at(-width / 2, top), at(width / 2, top), at(width / 2, bottom), at(-width / 2, bottom)];
}

interface Pending { ctx: CanvasRenderingContext2D; edge: EdgeLabelData; source: NodeLabelData; target: NodeLabelData; settings: Settings }
interface PendingName { ctx: CanvasRenderingContext2D; data: Parameters<typeof drawDiscNodeLabel>[1] & { key?: string }; settings: Settings; quad: Quad }

/** What the last frame drew and left out, for tests: each edge label's box, and each name's. */
export interface LabelFrame { drawn: { key: string; quad: Quad }[]; skipped: string[]; names: { key: string; quad: Quad }[]; namesSkipped: string[] }

/**
 * A name before another: by the view's own ranking (zIndex: the selected entity, then the path's
 * and the answer's, then the searched ones and the answer's bridges), then forced names, then the
 * larger entity.
 */
const byImportance = (a: PendingName, b: PendingName) =>
  (b.data.zIndex ?? 0) - (a.data.zIndex ?? 0) || Number(Boolean(b.data.forceLabel)) - Number(Boolean(a.data.forceLabel)) || b.data.size - a.data.size;

/**
 * Hooks into the renderer: names and edge labels are held back as sigma hands them over, then
 * drawn at the end of its pass (names first), those that would cover something are left out.
 */
export function keepLabelsClear(renderer: Sigma, weight: (edge: string) => number): () => LabelFrame {
  let names: { key: string; quad: Quad }[] = [];
  let namesSkipped: string[] = [];
  let pendingNames: PendingName[] = [];
  let pending: Pending[] = [];
  let last: LabelFrame = { drawn: [], skipped: [], names: [], namesSkipped: [] };
  const measure = document.createElement("canvas").getContext("2d")!;
  renderer.setSetting("defaultDrawNodeLabel", (ctx, data, settings) => {
    if (!data.label) return;
    measure.font = `${settings.labelWeight} ${settings.labelSize}px ${settings.labelFont}`;
    const left = data.x + data.size + 3;
    const quad = box(left, data.y - settings.labelSize / 2 - 1, left + measure.measureText(data.label).width, data.y + settings.labelSize / 2 + 1);
    pendingNames.push({ ctx, data, settings, quad });
  });
  renderer.setSetting("defaultDrawEdgeLabel", (ctx, edge, source, target, settings) => {
    pending.push({ ctx, edge, source, target, settings });
  });
  // sigma calls renderLabels then renderEdgeLabels on a full frame, renderEdgeLabels alone on hover.
  const hooks = renderer as unknown as { renderLabels: () => Sigma; renderEdgeLabels: () => Sigma };
  const renderLabels = hooks.renderLabels.bind(renderer);
  const renderEdgeLabels = hooks.renderEdgeLabels.bind(renderer);
  hooks.renderLabels = () => {
    names = [];
    namesSkipped = [];
    pendingNames = [];
    const result = renderLabels();
    for (const p of pendingNames.sort(byImportance)) {
      if (names.some((n) => overlaps(n.quad, p.quad))) {
        namesSkipped.push(String(p.data.key));
        continue;
      }
      drawDiscNodeLabel(p.ctx, p.data, p.settings);
      names.push({ key: String(p.data.key), quad: p.quad });
    }
    pendingNames = [];
    return result;
  };
  hooks.renderEdgeLabels = () => {
    pending = [];
    const result = renderEdgeLabels();
    const discs = new Map<string, Quad>();
    renderer.getGraph().forEachNode((id) => {
      const d = renderer.getNodeDisplayData(id);
      if (!d || d.hidden) return;
      const { x, y } = renderer.framedGraphToViewport(d);
      const r = renderer.scaleSize(d.size);
      discs.set(id, box(x - r, y - r, x + r, y + r));
    });
    const taken: Quad[] = names.map((n) => n.quad);
    const frame: LabelFrame = { drawn: [], skipped: [], names: [...names], namesSkipped: [...namesSkipped] };
    pending.sort((a, b) => weight(String(b.edge.key)) - weight(String(a.edge.key)));
    for (const p of pending) {
      if (!p.edge.label) continue;
      const quad = edgeLabelQuad(measure, p.edge.label, p.edge, p.source, p.target, p.settings);
      if (!quad) continue;
      // Its own ends' discs are beside it by construction (sigma starts it at their rims).
      const onDisc = [...discs].some(([id, q]) => id !== p.source.key && id !== p.target.key && overlaps(q, quad));
      if (onDisc || taken.some((q) => overlaps(q, quad))) {
        frame.skipped.push(String(p.edge.key));
        continue;
      }
      drawStraightEdgeLabel(p.ctx, p.edge, p.source, p.target, p.settings);
      taken.push(quad);
      frame.drawn.push({ key: String(p.edge.key), quad });
    }
    pending = [];
    last = frame;
    return result;
  };
  return () => last;
}
