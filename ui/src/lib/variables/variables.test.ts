import { describe, expect, it } from "vitest";
import type { Variable } from "../../api";
import {
  applyCompletion,
  completionAt,
  completions,
  describeReferences,
  hoverFor,
  referenceSpans,
  referencesIn,
  spanAt,
  suggestName,
  unknownReferences,
  visibleTo,
} from "./variables";

const v = (name: string, service: string | null, value: string | null, secret = false): Variable => ({
  name,
  service,
  secret,
  value,
  updated_at: 0,
});

describe("variables in the builder", () => {
  const all = [v("subject", null, "Weekly sync"), v("mid", null, "1"), v("mid", "goto", "42"), v("token", null, null, true)];

  it("a service's own variable wins over the global one", () => {
    const seen = visibleTo(all, "goto");
    expect(seen.get("mid")?.value).toBe("42");
    expect(visibleTo(all, "other").get("mid")?.value).toBe("1");
    expect(visibleTo(all, null).size).toBe(3);
  });

  it("finds references, skipping escapes and bad names", () => {
    expect(referencesIn("/m/{{mid}}?s={{ subject }}&t={{mid}}")).toEqual(["mid", "subject"]);
    expect(referencesIn("\\{{mid}} {{not a name}}")).toEqual([]);
  });

  it("describes values, masks secrets and names unknown variables", () => {
    const seen = visibleTo(all, "goto");
    expect(describeReferences("{{mid}} {{token}} {{nope}}", seen)).toEqual([
      "{{mid}} = 42 (goto)",
      "{{token}} = •••••• secret (global)",
      "{{nope}}: unknown variable",
    ]);
    expect(unknownReferences("{{mid}} {{nope}}", seen)).toEqual(["nope"]);
  });

  it("completes a name after {{ and closes the reference", () => {
    expect(completionAt("/m/{{mi", 7)).toEqual({ start: 5, prefix: "mi" });
    expect(completionAt("/m/{{", 5)).toEqual({ start: 5, prefix: "" });
    expect(completionAt("\\{{mi", 5)).toBeNull();
    expect(completionAt("{{mid}} x", 9)).toBeNull();
    expect(completions(["subject", "mid", "admin"], "mi")).toEqual(["mid", "admin"]);
    expect(applyCompletion("/m/{{mi", 5, 7, "mid")).toEqual({ text: "/m/{{mid}}", caret: 10 });
    expect(applyCompletion("/m/{{mi}}/x", 5, 7, "mid")).toEqual({ text: "/m/{{mid}}/x", caret: 10 });
  });

  it("suggests a name from the path of a value", () => {
    expect(suggestName("$[0].meetingid")).toBe("meetingid");
    expect(suggestName("$['join url']")).toBe("join_url");
    expect(suggestName("$[3]")).toBe("value");
  });

  it("places each reference, so a hover can say which one it is over", () => {
    const text = '{"a": "{{mid}}", "b": {{ n }}, "c": "\\{{mid}}", "d": "{{bad name}}"}';
    expect(referenceSpans(text)).toEqual([
      { start: 7, end: 14, name: "mid" },
      { start: 22, end: 29, name: "n" },
    ]);
    expect(spanAt(text, 10)?.name).toBe("mid");
    expect(spanAt(text, 14)?.name).toBe("mid");
    expect(spanAt(text, 16)).toBeNull();
  });

  it("a hover tells one variable's value, masks a secret one and names an unknown one", () => {
    const seen = visibleTo(all, "goto");
    expect(hoverFor("mid", seen)).toEqual({ name: "mid", known: true, secret: false, text: "42", scope: "goto" });
    expect(hoverFor("subject", seen).scope).toBe("global");
    expect(hoverFor("token", seen)).toMatchObject({ secret: true, text: "•••••• secret" });
    expect(hoverFor("nope", seen)).toMatchObject({ known: false, text: "unknown variable nope" });
  });
});
