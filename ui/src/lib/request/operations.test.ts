import { describe, expect, it } from "vitest";
import type { Operation } from "../../api";
import { emptyDraft, toSpec } from "./requestDraft";
import { fieldHint, fillFromOperation, fillPath, filterOperations, operationKey, schemaOutline } from "./operations";

const meetingRequest = {
  type: "object",
  required: ["subject", "starttime"],
  properties: {
    subject: { type: "string", example: "Weekly sync" },
    starttime: { type: "string", format: "date-time" },
    passwordrequired: { type: "boolean", description: "Whether joining needs a password" },
    conferencecallinfo: { type: "string", enum: ["Hybrid", "PSTN", "Free", "VoIP"] },
  },
};

const getMeeting: Operation = {
  method: "GET",
  path: "/meetings/{meetingId}",
  operation_id: "getMeeting",
  summary: "One meeting",
  description: null,
  parameters: [
    { name: "meetingId", in: "path", required: true, description: null, schema: { type: "integer" }, example: 123 },
    { name: "include", in: "query", required: false, description: "Extra fields", schema: { type: "string" }, example: "organizer" },
    { name: "page", in: "query", required: true, description: null, schema: { type: "integer" }, example: 1 },
  ],
  request_body: null,
  response_schema: {
    allOf: [
      { type: "object", properties: { meetingid: { type: "integer", format: "int64" } } },
      { type: "object", required: ["subject"], properties: { subject: { type: "string" } } },
    ],
  },
};

describe("operations of an API description", () => {
  const all = [
    { method: "GET", path: "/me", operation_id: "getMe", summary: "Who the token belongs to" },
    { method: "POST", path: "/meetings", operation_id: "createMeeting", summary: "Create a meeting" },
    { method: "GET", path: "/meetings/{meetingId}", operation_id: null, summary: "One meeting" },
  ];

  it("searches by id, path or summary, every word", () => {
    expect(filterOperations(all, "create").map(operationKey)).toEqual(["createMeeting"]);
    expect(filterOperations(all, "MEETINGS get").map(operationKey)).toEqual(["GET /meetings/{meetingId}"]);
    expect(filterOperations(all, "token")).toHaveLength(1);
    expect(filterOperations(all, "")).toHaveLength(3);
  });

  it("fills path parameters, keeping {{variables}} for Rust", () => {
    expect(fillPath("/meetings/{meetingId}", [{ name: "meetingId", value: "a b" }])).toEqual({ url: "/meetings/a%20b" });
    expect(fillPath("/meetings/{meetingId}", [{ name: "meetingId", value: "{{mid}}" }])).toEqual({ url: "/meetings/{{mid}}" });
    expect(fillPath("/meetings/{meetingId}", [{ name: "meetingId", value: "" }])).toEqual({ missing: ["meetingId"] });
    expect(fillPath("/x/{{v}}", [])).toEqual({ url: "/x/{{v}}" });
  });

  it("picking an operation fills method, path fields and required query parameters", () => {
    const fill = fillFromOperation(getMeeting);
    expect(fill.method).toBe("GET");
    expect(fill.pathParams).toEqual([{ name: "meetingId", value: "" }]);
    expect(fill.pathExamples).toEqual({ meetingId: "123" });
    expect(fill.query).toEqual([{ name: "page", value: "1" }]);
    expect(fill.optional.map((p) => p.name)).toEqual(["include"]);
    expect(fill.jsonSkeleton).toBeNull();

    const draft = emptyDraft("");
    draft.url = fill.url;
    draft.pathParams = [{ name: "meetingId", value: "{{mid}}" }];
    expect(toSpec(draft).url).toBe("/meetings/{{mid}}");
  });

  it("reads types, enums, required fields and descriptions from the schema", () => {
    expect(fieldHint(meetingRequest, "subject")).toEqual({ required: true, choices: [], description: "", type: "string" });
    expect(fieldHint(meetingRequest, "starttime")?.type).toBe("string (date-time)");
    expect(fieldHint(meetingRequest, "conferencecallinfo")?.choices).toEqual(["Hybrid", "PSTN", "Free", "VoIP"]);
    expect(fieldHint(meetingRequest, "passwordrequired")).toMatchObject({ required: false, description: "Whether joining needs a password" });
    expect(fieldHint(meetingRequest, "nope")).toBeNull();
  });

  it("outlines the expected answer compactly, allOf merged", () => {
    expect(schemaOutline(getMeeting.response_schema)).toBe("{\n  meetingid: integer (int64)\n  subject*: string\n}");
    expect(schemaOutline({ type: "array", items: meetingRequest })).toContain("[ {\n  subject*: string");
  });
});
