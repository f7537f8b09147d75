// Turns the loaded part of a JSON document into the flat list of rows the
// virtual tree renders. Children are fetched page by page from Rust; only
// expanded nodes with loaded children contribute rows.
import type { JsonNode } from "../../api";

export interface LoadedChildren {
  total: number;
  nodes: JsonNode[];
}

export type TreeRow =
  | { type: "node"; node: JsonNode; depth: number }
  | { type: "more"; parentPath: string; depth: number; loaded: number; total: number };

export function flattenTree(
  rootPath: string,
  loaded: ReadonlyMap<string, LoadedChildren>,
  expanded: ReadonlySet<string>,
): TreeRow[] {
  const rows: TreeRow[] = [];
  // Explicit stack: documents can nest deeper than the JS call stack likes.
  const stack: { path: string; depth: number; next: number }[] = [{ path: rootPath, depth: 0, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const page = loaded.get(top.path);
    if (!page || top.next >= page.nodes.length) {
      if (page && page.nodes.length < page.total && top.next === page.nodes.length) {
        rows.push({ type: "more", parentPath: top.path, depth: top.depth, loaded: page.nodes.length, total: page.total });
      }
      stack.pop();
      continue;
    }
    const node = page.nodes[top.next]!;
    top.next += 1;
    rows.push({ type: "node", node, depth: top.depth });
    if (node.child_count > 0 && expanded.has(node.path)) {
      stack.push({ path: node.path, depth: top.depth + 1, next: 0 });
    }
  }
  return rows;
}

/** Strings whose whole value is an http(s) URL, e.g. a meeting's joinURL. */
export function urlOf(node: JsonNode): string | null {
  if (node.kind !== "string" || node.truncated) return null;
  try {
    const text = JSON.parse(node.preview) as unknown;
    if (typeof text !== "string" || !/^https?:\/\/\S+$/.test(text)) return null;
    return new URL(text).href === text || text.startsWith("http") ? text : null;
  } catch {
    return null;
  }
}
