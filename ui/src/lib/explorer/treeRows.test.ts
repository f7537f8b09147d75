import { describe, expect, it } from "vitest";
import type { JsonNode } from "../../api";
import { flattenTree, urlOf, type LoadedChildren } from "./treeRows";

const node = (path: string, kind: JsonNode["kind"], child_count = 0, preview = ""): JsonNode => ({
  key: path.split(".").pop() ?? null,
  index: null,
  path,
  kind,
  preview,
  child_count,
  truncated: false,
});

describe("flattenTree", () => {
  const loaded = new Map<string, LoadedChildren>([
    ["$", { total: 3, nodes: [node("$.a", "object", 2), node("$.b", "number", 0, "1")] }],
    ["$.a", { total: 2, nodes: [node("$.a.x", "string", 0, '"x"'), node("$.a.y", "null")] }],
  ]);

  it("lists only the root's children while nothing is expanded, with a row for the unloaded rest", () => {
    const rows = flattenTree("$", loaded, new Set());
    expect(rows.map((r) => (r.type === "node" ? r.node.path : `more:${r.loaded}/${r.total}`))).toEqual([
      "$.a",
      "$.b",
      "more:2/3",
    ]);
  });

  it("puts an expanded node's children right under it, one level deeper", () => {
    const rows = flattenTree("$", loaded, new Set(["$.a"]));
    expect(rows.map((r) => (r.type === "node" ? `${r.depth}:${r.node.path}` : "more"))).toEqual([
      "0:$.a",
      "1:$.a.x",
      "1:$.a.y",
      "0:$.b",
      "more",
    ]);
  });
});

describe("urlOf", () => {
  it("recognises a URL string such as a joinURL", () => {
    expect(urlOf(node("$.joinURL", "string", 0, '"https://meet.example.test/123"'))).toBe("https://meet.example.test/123");
  });
  it("ignores text that merely contains a URL, and non-strings", () => {
    expect(urlOf(node("$.t", "string", 0, '"see https://x.test"'))).toBeNull();
    expect(urlOf(node("$.n", "number", 0, "5"))).toBeNull();
  });
});
