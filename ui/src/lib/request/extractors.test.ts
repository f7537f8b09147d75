import { describe, expect, it } from "vitest";
import { formatExtractors, parseExtractors, variableNames, withVariables } from "./extractors";

describe("extractor text", () => {
  it("reads keys and JSONPath expressions from one comma-separated line", () => {
    const list = parseExtractors(" joinURL, $[0].meetingid ,");
    expect(list).toEqual([
      { kind: "find_key", key: "joinURL", case_insensitive: false },
      { kind: "json_path", expression: "$[0].meetingid" },
    ]);
    expect(formatExtractors(list)).toBe("joinURL, $[0].meetingid");
  });

  it("attaches the variable named for each value, and reads them back", () => {
    const list = withVariables(parseExtractors("joinURL, $[0].meetingid"), { "$[0].meetingid": " mid ", joinURL: "  " });
    expect(list).toEqual([
      { kind: "find_key", key: "joinURL", case_insensitive: false },
      { kind: "json_path", expression: "$[0].meetingid", variable: "mid" },
    ]);
    expect(variableNames(list)).toEqual({ "$[0].meetingid": "mid" });
  });
});
