/** The network drawn by sigma.js (WebGL) from a graphology graph: colour by kind, size by degree. */
import Graph from "graphology";
import Sigma from "sigma";
import type { EdgeDisplayData, NodeDisplayData } from "sigma/types";
import { kindColor } from "../shared/api";
import type { ViewEdge, ViewNode } from "./data";

export interface Visibility {
  hiddenNodes: Set<string>;
  hiddenEdges: Set<string>;
  pathNodes: Set<string>;
  pathEdges: Set<string>;
  selected: string | null;
}

const PATH_COLOR = "#e0301e";

export function edgeLabel(edge: { type: string; role: string | null }): string {
  const type = edge.type.toLowerCase().replace(/_/g, " ");
  return edge.role ? `${edge.role}` : type;
}

/** Long official names crowd the canvas: the side panel and the entity list carry them in full. */
export function shortLabel(label: string, max = 34): string {
  return label.length <= max ? label : `${label.slice(0, max - 1).trimEnd()}…`;
}

export class NetworkView {
  readonly graph = new Graph({ type: "directed", multi: false, allowSelfLoops: false });
  readonly renderer: Sigma;
  private visibility: Visibility = { hiddenNodes: new Set(), hiddenEdges: new Set(), pathNodes: new Set(), pathEdges: new Set(), selected: null };

  constructor(container: HTMLElement) {
    this.renderer = new Sigma(this.graph, container, {
      settings: {
        renderEdgeLabels: true,
        enableNodeDrag: true,
        labelRenderedSizeThreshold: 6,
        labelDensity: 0.5,
        hideEdgesOnMove: false,
        stagePadding: 40,
        // Sizes in pixels (sigma 4 defaults to graph units, which makes a 5-node view all discs).
        itemSizesReference: "screen",
        autoRescaleContent: "labels",
        enableCameraRotation: false,
        minCameraRatio: 0.05,
        maxCameraRatio: 10,
      },
      nodeReducer: (node, data) => this.nodeDisplay(node, data),
      edgeReducer: (edge, data) => this.edgeDisplay(edge, data),
    });
  }

  private nodeDisplay(node: string, data: NodeDisplayData): Partial<NodeDisplayData> {
    const v = this.visibility;
    const out = { ...data };
    if (v.hiddenNodes.has(node)) out.visibility = "hidden";
    const onPath = v.pathNodes.has(node);
    if (v.pathNodes.size && !onPath) {
      out.color = "#c9d0d8";
      out.labelColor = "#8a96a3";
    }
    if (onPath) {
      out.size = data.size * 1.3;
      out.labelVisibility = "visible";
      out.zIndex = 2;
    }
    if (node === v.selected) {
      out.label = this.graph.getNodeAttribute(node, "fullLabel") ?? out.label;
      out.labelVisibility = "visible";
      out.backdropVisibility = "visible";
      out.zIndex = 3;
    }
    return out;
  }

  private edgeDisplay(edge: string, data: EdgeDisplayData): Partial<EdgeDisplayData> {
    const v = this.visibility;
    const out = { ...data };
    if (v.hiddenEdges.has(edge)) out.visibility = "hidden";
    if (v.pathEdges.has(edge)) {
      out.color = PATH_COLOR;
      out.size = 4;
      out.zIndex = 2;
    } else if (v.pathEdges.size) {
      out.color = "#e3e7eb";
      out.label = null;
    }
    return out;
  }

  /** Replaces the drawn graph (positions from the layout), keeping the camera. */
  setGraph(nodes: ViewNode[], edges: ViewEdge[], positions: Map<string, [number, number]>): void {
    const degree = new Map<string, number>();
    for (const e of edges) {
      degree.set(e.source, (degree.get(e.source) ?? 0) + 1);
      degree.set(e.target, (degree.get(e.target) ?? 0) + 1);
    }
    const g = this.graph;
    g.clear();
    for (const n of nodes) {
      const [x, y] = positions.get(n.id) ?? [0, 0];
      g.addNode(n.id, { x, y, label: shortLabel(n.label), fullLabel: n.label, kind: n.kind, color: kindColor(n.kind), size: 4 + 3 * Math.sqrt(degree.get(n.id) ?? 0) });
    }
    for (const e of edges) {
      if (!g.hasNode(e.source) || !g.hasNode(e.target) || g.hasEdge(e.key)) continue;
      g.addDirectedEdgeWithKey(e.key, e.source, e.target, { label: edgeLabel(e), size: 1.5, color: "#aab4bf", relType: e.type, role: e.role });
    }
    this.renderer.refresh();
  }

  setVisibility(visibility: Visibility): void {
    this.visibility = visibility;
    this.renderer.refresh();
  }

  /** Camera to show every visible node. */
  fit(): void {
    this.renderer.getCamera().reset({ duration: 300 });
  }

  focus(node: string): void {
    const display = this.renderer.getNodeDisplayData(node);
    if (!display) return;
    this.renderer.getCamera().animate({ x: display.x, y: display.y, ratio: Math.min(this.renderer.getCamera().ratio, 0.8) }, { duration: 300 });
  }

  /** One PNG of the stage (WebGL layers and labels), drawn right after a render. */
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
