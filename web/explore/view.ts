/**
 * The network drawn by sigma.js 3 (WebGL) from a graphology graph: colour by kind, size by degree,
 * edge labels by role or relationship type. sigma 3, not 4: on this machine's software WebGL,
 * sigma 4.0 took 3.5x longer for the first draw of 2,000 nodes and 10,000 edges and drew half
 * the frames while panning (bench/web.ts; docs/notes/web.md).
 */
import Graph from "graphology";
import Sigma from "sigma";
import type { EdgeDisplayData, NodeDisplayData } from "sigma/types";
import { kindColor } from "../shared/api";
import { boxesMeet } from "../shared/boxes";
import { edgeLabel, type ViewEdge, type ViewNode } from "./data";
import { keepLabelsClear, type LabelFrame } from "./labels";
import { noVisibility, type Visibility } from "./visibility";

export const PATH_COLOR = "#e0301e";
const FADED_NODE = "#c9d0d8";
const FADED_EDGE = "#e3e7eb";
/** Labels of faded entities: still readable, but behind the answer's. */
const FADED_LABEL = "#8a96a3";
export const ANSWER_EDGE = "#46566a";
/** Above this many edges, panning and zooming draw nodes only (edges come back when the camera stops). */
const EDGES_HIDDEN_ON_MOVE_FROM = 2000;


/** How much of its name an entity of the answer or of the path shows on the canvas (a narrow canvas shows less). */
function longLabelFor(canvasWidth: number): number {
  return canvasWidth < NARROW ? 30 : 48;
}
/** How much of its name any other entity shows. */
function labelFor(canvasWidth: number): number {
  return canvasWidth < NARROW ? 24 : 34;
}
/** Below this canvas width (in pixels: a phone) names are cut shorter. */
const NARROW = 560;

/** Long official names crowd the canvas: the side panel and the entity list carry them in full. */
export function shortLabel(label: string, max = 34): string {
  return label.length <= max ? label : `${label.slice(0, max - 1).trimEnd()}…`;
}

/** Turning the drawing a quarter on a tall canvas: decided from its shape, kept as it was (pins in it), or never (a path). */
export type Turn = "auto" | "keep" | "never";

/** Up to this many entities, every label is kept clear of the others' (clearLabels). */
const SMALL_VIEW = 40;

/** Pixels kept clear along the canvas's edges. */
const MARGIN = 14;

/** The part of the plane the camera shows at rest (sigma's bounding box) and its scale in pixels per unit. */
interface Frame { x: [number, number]; y: [number, number]; scale: number }

/**
 * The part of the plane the camera frames at rest, with the canvas's own proportions so that sigma
 * maps it onto the whole canvas (its stage padding is 0: the margins are here), whatever the
 * canvas's shape (a wide desktop stage, a tall phone screen). The scale is the largest at which every
 * disc and every label (drawn right of its node, `labels` in pixels) fits inside the margins, and at
 * most 80% of the canvas's width across and of its height down for the graph itself: two entities are not spread from corner to
 * corner. The drawing is centred.
 */
function framing(positions: Map<string, [number, number]>, labels: Map<string, LabelRoom>, canvas: { width: number; height: number }): Frame | null {
  if (!positions.size || canvas.width <= 0 || canvas.height <= 0) return null;
  const width = Math.max(60, canvas.width - 2 * MARGIN);
  const height = Math.max(60, canvas.height - 2 * MARGIN);
  const items = [...positions].map(([id, [x, y]]) => {
    const label = labels.get(id);
    const radius = label?.radius ?? 5;
    // A label wider than most of the canvas is cut by the canvas's edge rather than shrink the whole drawing.
    return { x, y, left: radius, right: label ? radius + 3 + Math.min(label.width, width * 0.6) : radius, half: Math.max(radius, label ? LABEL_HALF_HEIGHT : 0) };
  });
  const spans = (k: number) => {
    let [l, r, t, b] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const it of items) {
      [l, r] = [Math.min(l, it.x * k - it.left), Math.max(r, it.x * k + it.right)];
      [t, b] = [Math.min(t, -it.y * k - it.half), Math.max(b, -it.y * k + it.half)];
    }
    return { l, r, t, b };
  };
  const fits = (k: number) => {
    const { l, r, t, b } = spans(k);
    return r - l <= width && b - t <= height;
  };
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const it of items) [minX, maxX, minY, maxY] = [Math.min(minX, it.x), Math.max(maxX, it.x), Math.min(minY, it.y), Math.max(maxY, it.y)];
  const range = Math.max(maxX - minX, maxY - minY);
  let scale = 1;
  if (range > 0) {
    // Each way at most 80% of the canvas's own side: a tall drawing on a phone uses the phone's height.
    const most = Math.min(maxX > minX ? (0.8 * width) / (maxX - minX) : Infinity, maxY > minY ? (0.8 * height) / (maxY - minY) : Infinity);
    if (fits(most)) scale = most;
    else {
      let [lo, hi] = [0, most];
      for (let i = 0; i < 40; i++) {
        const mid = (lo + hi) / 2;
        if (fits(mid)) lo = mid;
        else hi = mid;
      }
      // Nothing fits (names longer than a phone is wide): the discs, at least, do.
      scale = lo > 0 ? lo : (0.9 * Math.min(width, height)) / range;
    }
  }
  const { l, r, t, b } = spans(scale);
  // Canvas pixels: x * scale + ox across, -y * scale + oy down.
  const ox = canvas.width / 2 - (l + r) / 2;
  const oy = canvas.height / 2 - (t + b) / 2;
  return { x: [-ox / scale, (canvas.width - ox) / scale], y: [(oy - canvas.height) / scale, oy / scale], scale };
}

/** A label's width and its node's radius, in pixels at rest. */
interface LabelRoom { width: number; radius: number }
/** Half a label's height and a little air, in pixels (sigma's labels are 14 px). */
const LABEL_HALF_HEIGHT = 9;

/** An entity's disc and label in pixels at `pxPerUnit` (the graph's y axis points up). */
function labelBox(positions: Map<string, [number, number]>, labels: Map<string, LabelRoom>, id: string, pxPerUnit: number) {
  const [x, y] = positions.get(id)!;
  const { width, radius } = labels.get(id)!;
  const [cx, cy] = [x * pxPerUnit, -y * pxPerUnit];
  return { cx, cy, radius, left: cx + radius + 3, right: cx + radius + 3 + width, top: cy - LABEL_HALF_HEIGHT, bottom: cy + LABEL_HALF_HEIGHT };
}
type Box = ReturnType<typeof labelBox>;
const discOnLabel = (disc: Box, label: Box) =>
  disc.cx + disc.radius > label.left && disc.cx - disc.radius < label.right && disc.cy + disc.radius > label.top && disc.cy - disc.radius < label.bottom;
const clash = (a: Box, b: Box) => discOnLabel(a, b) || discOnLabel(b, a) || boxesMeet(a, b);

/**
 * The names that still sit on another name or disc once clearLabels has done what it could (a
 * crowded view on a narrow phone): in the order given (the pinned, the answer's, the hubs first),
 * a name is kept if it clears every disc and every name kept before it, else it is not drawn (the
 * list of entities in view has it, and selecting the entity shows it).
 */
function crowdedLabels(positions: Map<string, [number, number]>, labels: Map<string, LabelRoom>, named: string[], pxPerUnit: number): Set<string> {
  const boxes = named.map((id) => ({ id, box: labelBox(positions, labels, id, pxPerUnit) }));
  const kept: Box[] = [];
  const crowded = new Set<string>();
  for (const { id, box } of boxes) {
    if (kept.some((other) => boxesMeet(box, other)) || boxes.some((other) => other.id !== id && discOnLabel(other.box, box))) crowded.add(id);
    else kept.push(box);
  }
  return crowded;
}

/**
 * ForceAtlas2 knows discs, not labels: an entity laid out right of another lands on its name. The
 * `named` entities are placed one after the other, in the order given (the pinned, the answer's, the
 * hubs first): each stays where it is if its disc and label clear those already placed, else it takes
 * the nearest height, up or down, where they do. `pxPerUnit` is the framing's scale; the graph's y
 * axis points up. Fixed (pinned) entities stay. Returns whether anything moved.
 */
function clearLabels(positions: Map<string, [number, number]>, labels: Map<string, LabelRoom>, named: string[], fixed: Set<string>, pxPerUnit: number): boolean {
  const box = (id: string) => labelBox(positions, labels, id, pxPerUnit);
  let moved = false;
  const placed: Box[] = [];
  const step = LABEL_HALF_HEIGHT + 1;
  for (const id of named) {
    const [x, y0] = positions.get(id)!;
    let free = !placed.some((other) => clash(box(id), other));
    // Nearest free height first: 0, one step down, one up, two down, ...
    for (let i = 1; !free && !fixed.has(id) && i <= 60; i++) {
      const dy = (i % 2 ? 1 : -1) * Math.ceil(i / 2) * step;
      positions.set(id, [x, y0 - dy / pxPerUnit]);
      free = !placed.some((other) => clash(box(id), other));
    }
    if (!free) positions.set(id, [x, y0]);
    else if (positions.get(id)![1] !== y0) moved = true;
    placed.push(box(id));
  }
  return moved;
}

function newGraph(): Graph {
  return new Graph({ type: "directed", multi: false, allowSelfLoops: false });
}

export class NetworkView {
  readonly renderer: Sigma;
  private visibility: Visibility = noVisibility();
  private dragged: string | null = null;
  /** Names left undrawn because no free place was found for them (crowdedLabels). */
  private crowded = new Set<string>();
  /**
   * The labels' room the last framing used, and the positions it started from (as laid out, before
   * names were moved clear of each other): a resized canvas is framed again from them, so that it
   * shows what a fresh framing at that size shows (a status line that wraps to a second line must
   * not leave a shared link's picture a few pixels off).
   */
  private framed: { labels: Map<string, LabelRoom>; named: string[]; fixed: Set<string>; positions: Map<string, [number, number]> } | null = null;
  private dragMoved = false;
  /** Called when the analyst drops a dragged node: the explorer pins it there (layout coordinates: see toLayout). */
  onDragEnd: (node: string, x: number, y: number) => void = () => {};
  /** The names and edge labels the last frame drew and left out (they would have covered another, or a disc). */
  readonly labels: () => LabelFrame;
  /** Whether the drawing is turned a quarter (a tall canvas, a wide drawing), and whether that was decided yet. */
  private turned = false;
  private turnDecided = false;

  get graph(): Graph {
    return this.renderer.getGraph();
  }

  constructor(container: HTMLElement) {
    this.renderer = new Sigma(newGraph(), container, {
      renderEdgeLabels: true,
      defaultEdgeType: "arrow",
      labelRenderedSizeThreshold: 6,
      labelDensity: 0.5,
      zIndex: true,
      // Per node, so that faded entities' labels fade too.
      labelColor: { attribute: "labelColor", color: "#000" },
      // The framing keeps its own margins (framing() below).
      stagePadding: 0,
      minCameraRatio: 0.05,
      maxCameraRatio: 10,
      // A container hidden for a moment (a phone turned, a panel opened) must not throw.
      allowInvalidContainer: true,
      nodeReducer: (node, data) => this.nodeDisplay(node, data),
      edgeReducer: (edge, data) => this.edgeDisplay(edge, data),
    });
    this.bindDrag();
    // The path's and the answer's edge labels are placed first, then those at the selected entity.
    this.labels = keepLabelsClear(this.renderer, (edge) => {
      const v = this.visibility;
      if (v.pathEdges.has(edge)) return 3;
      if (v.answerEdges.has(edge)) return 2;
      return v.selected && this.graph.hasEdge(edge) && this.graph.extremities(edge).includes(v.selected) ? 1 : 0;
    });
    // A canvas of another shape is framed again for that shape. sigma follows the window's size;
    // the container can change alone (the legend above it wraps), so it is watched too.
    this.renderer.on("resize", () => this.reframe());
    new ResizeObserver(() => this.renderer.scheduleRefresh()).observe(container);
  }

  /**
   * Frames `g` for the canvas as it is now, moving the named entities clear of each other's labels
   * (moving one can change the scale, and so bring two names together again: a few rounds).
   */
  private place(g: Graph, positions: Map<string, [number, number]>): Frame | null {
    if (!this.framed) return null;
    const { labels, named, fixed } = this.framed;
    let frame = framing(positions, labels, this.renderer.getDimensions());
    for (let round = 0; round < 4 && frame && named.length > 1 && named.length <= 60; round++) {
      if (!clearLabels(positions, labels, named, fixed, frame.scale)) break;
      for (const id of named) g.mergeNodeAttributes(id, { y: positions.get(id)![1] });
      frame = framing(positions, labels, this.renderer.getDimensions());
    }
    this.crowded = frame && named.length > 1 && named.length <= 60 ? crowdedLabels(positions, labels, named, frame.scale) : new Set();
    return frame;
  }

  /** The canvas changed shape (a window resized, a phone turned, the legend above it wrapped): frame again. */
  private reframe(): void {
    if (!this.framed || !this.graph.order) return;
    const positions = new Map(this.framed.positions);
    const frame = this.place(this.graph, positions);
    if (!frame) return;
    for (const [id, [x, y]] of positions) if (this.graph.hasNode(id)) this.graph.mergeNodeAttributes(id, { x, y });
    this.renderer.setCustomBBox({ x: frame.x, y: frame.y });
    this.renderer.scheduleRefresh();
  }

  private nodeDisplay(node: string, data: Partial<NodeDisplayData> & Record<string, unknown>): Partial<NodeDisplayData> {
    const v = this.visibility;
    const out = { ...data };
    if (v.hiddenNodes.has(node)) out.hidden = true;
    const onPath = v.pathNodes.has(node);
    const inAnswer = v.answer.has(node);
    const bridge = !onPath && !inAnswer && v.answerBridges.has(node) && !v.pathNodes.size;
    if ((v.pathNodes.size || v.answer.size) && !onPath && !inAnswer && !bridge) {
      out.color = FADED_NODE;
      out.labelColor = FADED_LABEL;
      out.zIndex = 0;
    }
    if (bridge || (v.seeds.has(node) && !v.pathNodes.size && !v.answer.size)) {
      out.forceLabel = true;
      out.zIndex = 1;
    }
    if (onPath || inAnswer) {
      // The answer's own names are read whole (up to a point: the panel has the longest).
      const full = data.fullLabel as string | undefined;
      if (full) out.label = shortLabel(full, longLabelFor(this.renderer.getDimensions().width));
      out.size = (data.size ?? 5) * (inAnswer ? 1.5 : 1.3);
      out.forceLabel = true;
      out.zIndex = 2;
    }
    // sigma's halo: the answer reads at a glance even where the view is crowded.
    if (inAnswer) out.highlighted = true;
    if (this.crowded.has(node) && !onPath && !inAnswer) {
      out.label = null;
      out.forceLabel = false;
    }
    if (node === v.selected) {
      out.label = (data.fullLabel as string | undefined) ?? data.label;
      out.highlighted = true;
      out.forceLabel = true;
      out.zIndex = 3;
    }
    return out;
  }

  private edgeDisplay(edge: string, data: Partial<EdgeDisplayData>): Partial<EdgeDisplayData> {
    const v = this.visibility;
    const out = { ...data };
    if (v.hiddenEdges.has(edge)) out.hidden = true;
    if (v.answerEdges.has(edge) && !v.pathEdges.size) {
      out.color = ANSWER_EDGE;
      out.size = 2.5;
      out.zIndex = 1;
      out.forceLabel = true;
    } else if (v.pathEdges.has(edge)) {
      out.color = PATH_COLOR;
      out.size = 4;
      out.zIndex = 2;
      out.forceLabel = true;
    } else if (v.pathEdges.size) {
      out.color = FADED_EDGE;
      out.label = null;
    } else if (v.answer.size) {
      const [source, target] = this.graph.extremities(edge);
      if (!v.answer.has(source) && !v.answer.has(target)) {
        out.color = FADED_EDGE;
        out.label = null;
      }
    }
    return out;
  }

  /** Drag a node to move it (sigma 3 has no built-in node drag: this is its documented recipe). */
  private bindDrag(): void {
    const renderer = this.renderer;
    const captor = renderer.getMouseCaptor();
    renderer.on("downNode", ({ node }) => {
      this.dragged = node;
      this.dragMoved = false;
      if (!renderer.getCustomBBox()) renderer.setCustomBBox(renderer.getBBox());
    });
    captor.on("mousemovebody", (event) => {
      if (!this.dragged) return;
      const position = renderer.viewportToGraph(event);
      this.graph.mergeNodeAttributes(this.dragged, { x: position.x, y: position.y });
      this.dragMoved = true;
      event.preventSigmaDefault();
      event.original.preventDefault();
      event.original.stopPropagation();
    });
    captor.on("mouseup", () => {
      const node = this.dragged;
      this.dragged = null;
      if (node && this.dragMoved && this.graph.hasNode(node)) {
        this.onDragEnd(node, this.graph.getNodeAttribute(node, "x"), this.graph.getNodeAttribute(node, "y"));
      }
    });
  }

  /** Each node's label and radius in pixels (emphasised entities have longer labels and larger discs). */
  private labelWidths(g: Graph, emphasised: Set<string>): Map<string, LabelRoom> {
    const widths = new Map<string, LabelRoom>();
    if (g.order > 500) return widths;
    const ctx = document.createElement("canvas").getContext("2d");
    if (!ctx) return widths;
    const r = this.renderer;
    ctx.font = `${r.getSetting("labelWeight")} ${r.getSetting("labelSize")}px ${r.getSetting("labelFont")}`;
    g.forEachNode((id, attrs) => {
      const long = emphasised.has(id);
      const label = long ? shortLabel(attrs.fullLabel as string, longLabelFor(r.getDimensions().width)) : (attrs.label as string);
      widths.set(id, { width: ctx.measureText(label).width, radius: (attrs.size as number) * (long ? 1.5 : 1) });
    });
    return widths;
  }

  /**
   * Replaces the drawn graph (positions from the layout). `emphasised`: the entities that will be
   * drawn larger with their longer names (the answer, the path), for whom the framing makes room;
   * `fixed`: the pinned entities, which stay where they are.
   */
  setGraph(nodes: ViewNode[], edges: ViewEdge[], laidOut: Map<string, [number, number]>, emphasised: Set<string> = new Set(), fixed: Set<string> = new Set(), turn: Turn = "auto"): void {
    const positions = new Map(laidOut);
    // A tall canvas (a phone) and a drawing wider than high: turned a quarter, it fills the screen.
    // The layout and the pins stay unturned (toLayout): a pin dropped on a turned drawing keeps the
    // drawing turned ("keep") and lands where it was dropped. A path's staircase is never turned.
    const canvas = this.renderer.getDimensions();
    if (turn === "never") this.turned = false;
    else if (turn === "auto" || !this.turnDecided) {
      this.turned = false;
      if (canvas.height > canvas.width * 1.15 && positions.size > 2) {
        const xs = [...positions.values()].map(([x]) => x);
        const ys = [...positions.values()].map(([, y]) => y);
        this.turned = Math.max(...xs) - Math.min(...xs) > 1.3 * (Math.max(...ys) - Math.min(...ys));
      }
    }
    this.turnDecided = true;
    if (this.turned) for (const [id, [x, y]] of positions) positions.set(id, [y, -x]);
    const degree = new Map<string, number>();
    for (const e of edges) {
      degree.set(e.source, (degree.get(e.source) ?? 0) + 1);
      degree.set(e.target, (degree.get(e.target) ?? 0) + 1);
    }
    // A new graph handed over at once: sigma processes it in one pass instead of one event per item.
    const g = newGraph();
    // Hubs must not cover their neighbours: size grows with the square root of the degree, capped,
    // and large views draw smaller discs.
    const scale = nodes.length > 500 ? 0.5 : 1;
    const sizeOf = (id: string) => scale * Math.min(24, 5 + 3 * Math.sqrt(degree.get(id) ?? 0));
    for (const n of nodes) {
      const [x, y] = positions.get(n.id) ?? [0, 0];
      g.addNode(n.id, { x, y, label: shortLabel(n.label, labelFor(this.renderer.getDimensions().width)), fullLabel: n.label, kind: n.kind, color: kindColor(n.kind), size: sizeOf(n.id) });
    }
    for (const e of edges) {
      // The graph takes no loops (an IATI activity listed as related to itself): the side panel lists them.
      if (e.source === e.target || !g.hasNode(e.source) || !g.hasNode(e.target) || g.hasEdge(e.key)) continue;
      g.addDirectedEdgeWithKey(e.key, e.source, e.target, { label: edgeLabel(e), size: 1.5, color: "#aab4bf", relType: e.type, role: e.role });
    }
    const large = g.size > EDGES_HIDDEN_ON_MOVE_FROM;
    this.renderer.setSetting("hideEdgesOnMove", large);
    this.renderer.setSetting("hideLabelsOnMove", large);
    this.renderer.setSetting("renderEdgeLabels", !large);
    // Arrowheads are a second WebGL program per edge: worth it for a readable view, not for 10,000 edges.
    this.renderer.setSetting("defaultEdgeType", large ? "line" : "arrow");
    const labels = this.labelWidths(g, emphasised);
    // A small view has every name drawn: none may sit on another (a wider view: the answer's and the path's).
    const rank = (id: string) => (fixed.has(id) ? 0 : emphasised.has(id) ? 1 : 2);
    const named = (g.order <= SMALL_VIEW ? g.nodes() : [...emphasised]).filter((id) => g.hasNode(id) && labels.has(id))
      .sort((a, b) => rank(a) - rank(b) || (degree.get(b) ?? 0) - (degree.get(a) ?? 0) || (a < b ? -1 : 1));
    if (g.order <= SMALL_VIEW) g.forEachNode((id) => g.setNodeAttribute(id, "forceLabel", true));
    this.framed = { labels, named, fixed, positions: new Map(positions) };
    const frame = this.place(g, positions);
    this.renderer.setCustomBBox(frame && { x: frame.x, y: frame.y });
    this.renderer.setGraph(g);
    this.renderer.refresh();
  }

  /** A point of the drawing in the layout's coordinates (where pins are kept): the drawing may be turned a quarter. */
  toLayout(x: number, y: number): [number, number] {
    return this.turned ? [-y, x] : [x, y];
  }

  /** For tests: whether the drawing is turned a quarter. */
  get isTurned(): boolean {
    return this.turned;
  }

  setVisibility(visibility: Visibility): void {
    this.visibility = visibility;
    this.renderer.refresh();
  }

  /**
   * When the canvas changed shape since the last frame (the status line above it wrapped to a second
   * line), frames it again and draws now rather than on the next animation frame: once the page says
   * it is ready, the picture is the one a fresh load of the same link shows. The first refresh notices
   * the new size and reframes, the second draws with that frame.
   */
  settle(): void {
    const container = this.renderer.getContainer();
    const { width, height } = this.renderer.getDimensions();
    if (container.offsetWidth === width && container.offsetHeight === height) return;
    this.renderer.refresh();
    this.renderer.refresh();
  }

  /** Camera to show every node. */
  fit(): Promise<void> {
    return this.renderer.getCamera().animatedReset({ duration: 300 });
  }

  focus(node: string): void {
    const display = this.renderer.getNodeDisplayData(node);
    if (!display) return;
    const camera = this.renderer.getCamera();
    void camera.animate({ x: display.x, y: display.y, ratio: Math.min(camera.ratio, 0.8) }, { duration: 300 });
  }

  /** One PNG of the stage (WebGL layers and the labels' canvas), drawn right after a render. */
  toPng(): string {
    this.renderer.refresh();
    const { width, height } = this.renderer.getDimensions();
    const ratio = window.devicePixelRatio || 1;
    const out = document.createElement("canvas");
    out.width = width * ratio;
    out.height = height * ratio;
    const ctx = out.getContext("2d")!;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    for (const canvas of this.renderer.getContainer().querySelectorAll("canvas")) {
      ctx.drawImage(canvas, 0, 0, out.width, out.height);
    }
    return out.toDataURL("image/png");
  }
}
