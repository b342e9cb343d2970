/** What the network view shows, hides and highlights: worked out by the page (main.ts), applied by the view. */
export interface Visibility {
  hiddenNodes: Set<string>;
  hiddenEdges: Set<string>;
  pathNodes: Set<string>;
  pathEdges: Set<string>;
  /** The entities that answer the Ask box's question: drawn larger, labelled, ringed; the rest fades. */
  answer: Set<string>;
  /** Entities in between that join the answer's entities (Peru's prosecutors, between Peru and the conferences): not faded, labelled. */
  answerBridges: Set<string>;
  /** The edges that hold the answer together: drawn darker and thicker, labelled. */
  answerEdges: Set<string>;
  selected: string | null;
  /** The entities the analyst searched for or added: named even where larger entities crowd them (unless faded). */
  seeds: Set<string>;
}

/** Nothing hidden, highlighted, selected or searched. */
export function noVisibility(): Visibility {
  return {
    hiddenNodes: new Set(), hiddenEdges: new Set(), pathNodes: new Set(), pathEdges: new Set(),
    answer: new Set(), answerBridges: new Set(), answerEdges: new Set(), selected: null, seeds: new Set(),
  };
}
