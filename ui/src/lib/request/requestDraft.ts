// The request builder's editable state and its conversion to the
// RequestSpec that Rust validates and sends.
import type { BodyRow, Param, RequestSpec } from "../../api";
import { fillPath, type OperationFill } from "./operations";

export type BodyMode = "none" | "json-form" | "json" | "form" | "raw";

export interface RequestDraft {
  method: string;
  url: string;
  query: Param[];
  headers: Param[];
  bodyMode: BodyMode;
  jsonText: string;
  rows: BodyRow[];
  formFields: Param[];
  rawText: string;
  rawContentType: string;
  /** "" sends with no token. */
  user: string;
  /** The person picked `user` (or "no auth"): a default no longer replaces it. */
  userChosen: boolean;
  /** Values of the URL's `{name}` parameters (from an operation of the API description). */
  pathParams: Param[];
  /** The operation the draft was filled from, for the form's hints and the expected answer. */
  operation: PickedOperation | null;
}

export interface PickedOperation {
  key: string;
  summary: string;
  bodySchema: unknown;
  responseSchema: unknown;
  optional: OperationFill["optional"];
  pathExamples: Record<string, string>;
}

export function emptyDraft(user: string): RequestDraft {
  return {
    method: "GET",
    url: "",
    query: [],
    headers: [],
    bodyMode: "none",
    jsonText: "{\n  \n}",
    rows: [],
    formFields: [],
    rawText: "",
    rawContentType: "text/plain",
    user,
    userChosen: false,
    pathParams: [],
    operation: null,
  };
}

/** The JSON form's rows under one root object, as Rust expects them. */
export function formRoot(rows: BodyRow[]): BodyRow {
  return { key: "", type: "object", value: "", children: rows };
}

const filled = (params: Param[]): Param[] => params.filter((p) => p.name.trim() !== "" || p.value !== "");

/** `jsonText` must already hold the form's JSON when bodyMode is "json-form". */
export function toSpec(draft: RequestDraft): RequestSpec {
  const body: RequestSpec["body"] =
    draft.bodyMode === "none"
      ? { kind: "none" }
      : draft.bodyMode === "form"
        ? { kind: "form", fields: filled(draft.formFields) }
        : draft.bodyMode === "raw"
          ? { kind: "raw", content_type: draft.rawContentType, text: draft.rawText }
          : { kind: "json", text: draft.jsonText };
  const filledPath = fillPath(draft.url.trim(), draft.pathParams);
  return {
    method: draft.method.trim(),
    url: draft.pathParams.length && "url" in filledPath ? filledPath.url : draft.url.trim(),
    query: filled(draft.query),
    headers: filled(draft.headers),
    body,
  };
}

/** A request from cURL import or history back into the editable state. */
export function fromSpec(spec: RequestSpec, user: string): RequestDraft {
  const draft = emptyDraft(user);
  draft.userChosen = user !== "";
  draft.method = spec.method;
  draft.url = spec.url;
  draft.query = spec.query.map((p) => ({ ...p }));
  draft.headers = spec.headers.map((p) => ({ ...p }));
  switch (spec.body.kind) {
    case "json":
      draft.bodyMode = "json";
      draft.jsonText = prettyJson(spec.body.text);
      break;
    case "form":
      draft.bodyMode = "form";
      draft.formFields = spec.body.fields.map((p) => ({ ...p }));
      break;
    case "raw":
      draft.bodyMode = "raw";
      draft.rawText = spec.body.text;
      draft.rawContentType = spec.body.content_type;
      break;
    case "none":
      break;
  }
  return draft;
}

/**
 * `text` laid out with two-space indents when it is valid JSON, else as it
 * is. Only whitespace between tokens changes: numbers, strings and key order
 * stay exactly as sent (parsing and re-serializing would round large
 * numbers).
 */
export function prettyJson(text: string): string {
  try {
    JSON.parse(text);
  } catch {
    return text;
  }
  let out = "";
  let depth = 0;
  let inString = false;
  const indent = () => "\n" + "  ".repeat(depth);
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (inString) {
      out += c;
      if (c === "\\") out += text.charAt(++i);
      else if (c === '"') inString = false;
      continue;
    }
    if (c === " " || c === "\n" || c === "\r" || c === "\t") continue;
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      const next = text.slice(i + 1).trimStart().charAt(0);
      if (next === close) {
        out += c + close;
        i = text.indexOf(close, i + 1);
      } else {
        depth += 1;
        out += c + indent();
      }
    } else if (c === "}" || c === "]") {
      depth -= 1;
      out += indent() + c;
    } else if (c === ",") {
      out += "," + indent();
    } else if (c === ":") {
      out += ": ";
    } else {
      out += c;
    }
  }
  return out;
}

/** Every text of the draft that may hold `{{name}}` references, with where it is (for messages). */
export function draftTexts(draft: RequestDraft): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [{ where: "the URL", text: draft.url }];
  for (const p of draft.pathParams) out.push({ where: `path parameter {${p.name}}`, text: p.value });
  for (const p of draft.query) out.push({ where: "the query parameters", text: `${p.name} ${p.value}` });
  for (const p of draft.headers) out.push({ where: "the headers", text: `${p.name} ${p.value}` });
  const rowTexts = (rows: BodyRow[]): string[] => rows.flatMap((r) => [r.key, r.value, ...rowTexts(r.children)]);
  if (draft.bodyMode === "json-form") out.push({ where: "the body", text: rowTexts(draft.rows).join(" ") });
  else if (draft.bodyMode === "json") out.push({ where: "the body", text: draft.jsonText });
  else if (draft.bodyMode === "form") out.push({ where: "the body", text: draft.formFields.map((p) => `${p.name} ${p.value}`).join(" ") });
  else if (draft.bodyMode === "raw") out.push({ where: "the body", text: draft.rawText });
  return out;
}
