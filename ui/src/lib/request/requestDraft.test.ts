import { describe, expect, it } from "vitest";
import { emptyDraft, fromSpec, toSpec } from "./requestDraft";

describe("request drafts", () => {
  it("sends only filled rows and the body of the chosen mode", () => {
    const draft = emptyDraft("alice");
    draft.method = "POST";
    draft.url = " /meetings ";
    draft.headers = [
      { name: "X-Trace", value: "1" },
      { name: "", value: "" },
    ];
    draft.bodyMode = "json";
    draft.jsonText = '{"subject":"Weekly"}';
    draft.rawText = "ignored";
    expect(toSpec(draft)).toEqual({
      method: "POST",
      url: "/meetings",
      query: [],
      headers: [{ name: "X-Trace", value: "1" }],
      body: { kind: "json", text: '{"subject":"Weekly"}' },
    });
  });

  it("round-trips a form body from history or cURL", () => {
    const spec = {
      method: "PUT",
      url: "https://api.example.test/x",
      query: [{ name: "a", value: "1" }],
      headers: [],
      body: { kind: "form" as const, fields: [{ name: "k", value: "v" }] },
    };
    expect(toSpec(fromSpec(spec, ""))).toEqual(spec);
  });
});
