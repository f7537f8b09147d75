import { describe, expect, it } from "vitest";
import { formatExtractors, parseExtractors } from "./extractors";

describe("extractor text", () => {
  it("reads keys and JSONPath expressions from one comma-separated line", () => {
    const list = parseExtractors(" joinURL, $[0].meetingid ,");
    expect(list).toEqual([
      { kind: "find_key", key: "joinURL", case_insensitive: false },
      { kind: "json_path", expression: "$[0].meetingid" },
    ]);
    expect(formatExtractors(list)).toBe("joinURL, $[0].meetingid");
  });
});
