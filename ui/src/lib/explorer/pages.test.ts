import { describe, expect, it } from "vitest";
import { countLabel, noMatchText, pagesCovering, rowAt } from "./pages";

describe("pagesCovering", () => {
  it("lists the pages a visible range needs", () => {
    expect(pagesCovering(0, 10, 100, 1000)).toEqual([0]);
    expect(pagesCovering(95, 205, 100, 1000)).toEqual([0, 100, 200]);
    expect(pagesCovering(990, 1200, 100, 1000)).toEqual([900]);
  });

  it("needs nothing for an empty list", () => {
    expect(pagesCovering(0, 10, 100, 0)).toEqual([]);
  });
});

describe("rowAt", () => {
  it("finds a row in its page, or nothing while it loads", () => {
    const pages = new Map([[100, ["a", "b"]]]);
    expect(rowAt(pages, 101, 100)).toBe("b");
    expect(rowAt(pages, 5, 100)).toBeUndefined();
  });
});

describe("countLabel", () => {
  it("groups thousands and picks the plural", () => {
    expect(countLabel(129453, "match", "matches")).toBe("129,453 matches");
    expect(countLabel(1, "match", "matches")).toBe("1 match");
  });
});

describe("noMatchText", () => {
  it("says the key is not there", () => {
    expect(noMatchText("joinURL", null)).toBe("No key joinURL in this response.");
    expect(noMatchText("joinurl", 0)).toBe("No key joinurl in this response.");
  });
  it("says how many matches there are in another case", () => {
    expect(noMatchText("joinurl", 1)).toBe("No key joinurl in this response with that case; 1 match ignoring case.");
    expect(noMatchText("name", 129453)).toBe("No key name in this response with that case; 129,453 matches ignoring case.");
  });
});
