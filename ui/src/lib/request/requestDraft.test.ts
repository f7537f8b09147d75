import { describe, expect, it } from "vitest";
import { emptyDraft, fromSpec, prettyJson, toSpec } from "./requestDraft";

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

describe("prettyJson", () => {
  it("lays out a compact body with two-space indents", () => {
    expect(prettyJson('{"subject":"Weekly sync","tags":["a","b"],"empty":{},"none":[]}')).toBe(
      '{\n  "subject": "Weekly sync",\n  "tags": [\n    "a",\n    "b"\n  ],\n  "empty": {},\n  "none": []\n}',
    );
  });
  it("keeps strings and numbers exactly as sent", () => {
    const text = '{"id":12345678901234567890,"s":"a, b: {c} \\"q\\" [d]"}';
    const pretty = prettyJson(text);
    expect(pretty).toContain("12345678901234567890");
    expect(pretty).toContain('"a, b: {c} \\"q\\" [d]"');
    expect(pretty.replace(/\s+(?=(?:[^"\\]|\\.|"(?:[^"\\]|\\.)*")*$)/g, "")).toBe(text);
  });
  it("leaves text that is not JSON alone", () => {
    expect(prettyJson("{not json")).toBe("{not json");
  });
});

describe("fromSpec", () => {
  it("opens a JSON body from history pretty-printed", () => {
    const draft = fromSpec(
      { method: "POST", url: "/meetings", query: [], headers: [], body: { kind: "json", text: '{"a":1}' } },
      "alice",
    );
    expect(draft.jsonText).toBe('{\n  "a": 1\n}');
  });
});
