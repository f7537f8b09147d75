// Turns the loaded part of a JSON document into the flat list of rows the
// virtual tree renders. Children are fetched page by page from Rust, not
// necessarily in order (revealing item 123456 of an array loads the page
// around it), so each container holds sorted, non-overlapping segments and
// the gaps between them become "show more" rows.
import type { JsonNode } from "../../api";

export interface Segment {
  offset: number;
  nodes: JsonNode[];
}

export interface LoadedChildren {
  total: number;
  segments: Segment[];
}

export type TreeRow =
  | { type: "node"; node: JsonNode; depth: number }
  | { type: "more"; parentPath: string; depth: number; from: number; to: number };

/** Adds a page to a container's segments, merging neighbours. */
export function addPage(loaded: LoadedChildren | undefined, total: number, offset: number, nodes: JsonNode[]): LoadedChildren {
  const segments = [...(loaded?.segments ?? []), { offset, nodes }].sort((a, b) => a.offset - b.offset);
  const merged: Segment[] = [];
  for (const seg of segments) {
    const last = merged[merged.length - 1];
    if (last && seg.offset <= last.offset + last.nodes.length) {
      const overlap = last.offset + last.nodes.length - seg.offset;
      last.nodes = [...last.nodes, ...seg.nodes.slice(overlap)];
    } else {
      merged.push({ offset: seg.offset, nodes: [...seg.nodes] });
    }
  }
  return { total, segments: merged };
}

/** Whether the child at `index` of this container is loaded. */
export function hasIndex(loaded: LoadedChildren | undefined, index: number): boolean {
  return !!loaded?.segments.some((s) => index >= s.offset && index < s.offset + s.nodes.length);
}

export function flattenTree(
  rootPath: string,
  loaded: ReadonlyMap<string, LoadedChildren>,
  expanded: ReadonlySet<string>,
): TreeRow[] {
  const rows: TreeRow[] = [];
  // Explicit stack: documents can nest deeper than the JS call stack likes.
  type Frame = { path: string; depth: number; seg: number; at: number; cursor: number };
  const stack: Frame[] = [{ path: rootPath, depth: 0, seg: 0, at: 0, cursor: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const page = loaded.get(top.path);
    const seg = page?.segments[top.seg];
    if (!page || !seg) {
      if (page && top.cursor < page.total) {
        rows.push({ type: "more", parentPath: top.path, depth: top.depth, from: top.cursor, to: page.total });
      }
      stack.pop();
      continue;
    }
    if (top.at === 0 && seg.offset > top.cursor) {
      rows.push({ type: "more", parentPath: top.path, depth: top.depth, from: top.cursor, to: seg.offset });
      top.cursor = seg.offset;
    }
    if (top.at >= seg.nodes.length) {
      top.seg += 1;
      top.at = 0;
      continue;
    }
    const node = seg.nodes[top.at]!;
    top.at += 1;
    top.cursor = seg.offset + top.at;
    rows.push({ type: "node", node, depth: top.depth });
    if (node.child_count > 0 && expanded.has(node.path)) {
      stack.push({ path: node.path, depth: top.depth + 1, seg: 0, at: 0, cursor: 0 });
    }
  }
  return rows;
}

/** Strings whose whole value is an http(s) URL, e.g. a meeting's joinURL. */
export function urlOf(node: JsonNode): string | null {
  if (node.kind !== "string" || node.truncated) return null;
  try {
    const text = JSON.parse(node.preview) as unknown;
    return typeof text === "string" && /^https?:\/\/\S+$/.test(text) ? text : null;
  } catch {
    return null;
  }
}
