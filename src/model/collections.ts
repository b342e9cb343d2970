/** Small helpers over collections, for every layer. */

/** Items grouped by a key, in first-seen order (Map.groupBy arrives with Node 21). */
export function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** Orders two strings by UTF-16 code units, as `<` and a plain `.sort()` do (not by locale). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
