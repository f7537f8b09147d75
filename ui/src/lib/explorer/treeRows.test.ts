import { describe, expect, it } from "vitest";
import type { JsonNode } from "../../api";
import { addPage, flattenTree, hasIndex, urlOf, type LoadedChildren } from "./treeRows";

const node = (path: string, kind: JsonNode["kind"], child_count = 0, preview = ""): JsonNode => ({
  key: path.split(".").pop() ?? null,
  index: null,
  path,
  kind,
  preview,
  child_count,
  truncated: false,
});

const label = (r: ReturnType<typeof flattenTree>[number]) =>
  r.type === "node" ? `${r.depth}:${r.node.path}` : `more:${r.from}-${r.to}`;

describe("flattenTree", () => {
  const loaded = new Map<string, LoadedChildren>([
    ["$", addPage(undefined, 3, 0, [node("$.a", "object", 2), node("$.b", "number", 0, "1")])],
    ["$.a", addPage(undefined, 2, 0, [node("$.a.x", "string", 0, '"x"'), node("$.a.y", "null")])],
  ]);

  it("lists only the root's children while nothing is expanded, with a row for the unloaded rest", () => {
    expect(flattenTree("$", loaded, new Set()).map(label)).toEqual(["0:$.a", "0:$.b", "more:2-3"]);
  });

  it("puts an expanded node's children right under it, one level deeper", () => {
    expect(flattenTree("$", loaded, new Set(["$.a"])).map(label)).toEqual([
      "0:$.a",
      "1:$.a.x",
      "1:$.a.y",
      "0:$.b",
      "more:2-3",
    ]);
  });

  it("shows a page loaded far into a big array between two 'more' rows", () => {
    const items = (from: number, n: number) => Array.from({ length: n }, (_, i) => node(`$[${from + i}]`, "object", 3));
    let big = addPage(undefined, 1000, 0, items(0, 2));
    big = addPage(big, 1000, 500, items(500, 2));
    const rows = flattenTree("$", new Map([["$", big]]), new Set()).map(label);
    expect(rows).toEqual(["0:$[0]", "0:$[1]", "more:2-500", "0:$[500]", "0:$[501]", "more:502-1000"]);
    expect(hasIndex(big, 501)).toBe(true);
    expect(hasIndex(big, 502)).toBe(false);
  });

  it("merges pages that touch or overlap", () => {
    const items = (from: number, n: number) => Array.from({ length: n }, (_, i) => node(`$[${from + i}]`, "number"));
    let big = addPage(undefined, 10, 0, items(0, 4));
    big = addPage(big, 10, 3, items(3, 4));
    expect(big.segments).toHaveLength(1);
    expect(big.segments[0]!.nodes.map((n) => n.path)).toEqual(["$[0]", "$[1]", "$[2]", "$[3]", "$[4]", "$[5]", "$[6]"]);
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
