// Reading an operation of the service's API description into the builder:
// the picker's search, path parameters, and what the JSON form shows of a
// schema (types, enums, required fields, descriptions).
import type { Operation, OperationSummary, Param } from "../../api";

/** How the core names an operation: its operationId, else `METHOD /path`. */
export function operationKey(op: OperationSummary): string {
  return op.operation_id ?? `${op.method} ${op.path}`;
}

/** Operations whose id, path, method or summary hold every word of `query` (any case). */
export function filterOperations(all: OperationSummary[], query: string): OperationSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return all;
  return all.filter((op) => {
    const text = `${op.method} ${op.path} ${op.operation_id ?? ""} ${op.summary ?? ""}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** The `{name}` parameters of a path template, in order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1] ?? "");
}

/**
 * `template` with each `{name}` replaced by its value, percent-encoded,
 * except `{{variable}}` references, which Rust expands at send time.
 * Returns the names left empty instead when there are any.
 */
export function fillPath(template: string, params: Param[]): { url: string } | { missing: string[] } {
  const missing: string[] = [];
  const url = template.replace(/(?<!\{)\{([^{}]+)\}(?!\})/g, (whole, name: string) => {
    const value = params.find((p) => p.name === name)?.value ?? "";
    if (value === "") {
      missing.push(name);
      return whole;
    }
    return value
      .split(/(\{\{[^{}]*\}\})/)
      .map((part) => (part.startsWith("{{") ? part : encodeURIComponent(part)))
      .join("");
  });
  return missing.length ? { missing } : { url };
}

/** A parameter's starting value: the document's example, as text. */
export function exampleText(example: unknown): string {
  if (example === null || example === undefined) return "";
  return typeof example === "string" ? example : JSON.stringify(example);
}

type Schema = Record<string, unknown>;

function asSchema(value: unknown): Schema | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Schema) : null;
}

/** `allOf` parts merged (properties and required), the way the form reads a schema. */
export function flatten(value: unknown): Schema | null {
  const schema = asSchema(value);
  if (!schema) return null;
  const parts = Array.isArray(schema.allOf) ? schema.allOf.map(flatten).filter((s): s is Schema => s !== null) : [];
  if (!parts.length) return schema;
  const merged: Schema = { ...schema };
  delete merged.allOf;
  const properties: Schema = { ...(asSchema(schema.properties) ?? {}) };
  const required = new Set<string>(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  for (const part of parts) {
    Object.assign(properties, asSchema(part.properties) ?? {});
    if (Array.isArray(part.required)) (part.required as string[]).forEach((r) => required.add(r));
    if (!merged.type && part.type) merged.type = part.type;
  }
  merged.properties = properties;
  merged.required = [...required];
  return merged;
}

/** What the JSON form shows beside one field. */
export interface FieldHint {
  required: boolean;
  /** String values the schema allows (shown as a select). */
  choices: string[];
  description: string;
  /** The schema's type and format, e.g. `string (date-time)`. */
  type: string;
}

/** The schema of the field `key` (an object's) or of the items (an array's, `key` null). */
export function childSchema(parent: unknown, key: string | null): unknown {
  const schema = flatten(parent);
  if (!schema) return null;
  if (key === null) return schema.items ?? null;
  return asSchema(schema.properties)?.[key] ?? null;
}

/** The hint for `key` of an object schema (`key` null: an array's item). */
export function fieldHint(parent: unknown, key: string | null): FieldHint | null {
  const own = flatten(childSchema(parent, key));
  if (!own) return null;
  const schema = flatten(parent);
  const required = key !== null && Array.isArray(schema?.required) && (schema.required as string[]).includes(key);
  const choices = Array.isArray(own.enum) ? own.enum.filter((v): v is string => typeof v === "string") : [];
  return {
    required,
    choices,
    description: typeof own.description === "string" ? own.description : "",
    type: typeName(own),
  };
}

function typeName(schema: Schema): string {
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : typeof schema.type === "string" ? schema.type : "";
  const format = typeof schema.format === "string" ? ` (${schema.format})` : "";
  if (type) return type + format;
  if (schema.properties) return "object";
  if (schema.items) return "array";
  return "any";
}

/**
 * A schema in a few lines: `{ key: type, … }` nested two levels deep,
 * arrays as `[ … ]`. What the response panel shows as the expected answer.
 */
export function schemaOutline(value: unknown, depth = 0, maxDepth = 2): string {
  const schema = flatten(value);
  if (!schema) return "any";
  const pad = "  ".repeat(depth + 1);
  const end = "  ".repeat(depth);
  if (schema.type === "array" || (!schema.type && schema.items)) {
    if (depth >= maxDepth) return "[…]";
    return `[ ${schemaOutline(schema.items, depth, maxDepth)} ]`;
  }
  const properties = asSchema(schema.properties);
  if (properties && Object.keys(properties).length) {
    if (depth >= maxDepth) return "{…}";
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    const lines = Object.entries(properties).map(
      ([key, child]) => `${pad}${key}${required.includes(key) ? "*" : ""}: ${schemaOutline(child, depth + 1, maxDepth)}`,
    );
    return `{\n${lines.join("\n")}\n${end}}`;
  }
  const choices = Array.isArray(schema.enum) ? ` (${schema.enum.map(String).join(" | ")})` : "";
  return typeName(schema) + choices;
}

/** What picking an operation puts in the builder (the body rows come from Rust). */
export interface OperationFill {
  method: string;
  url: string;
  /** Path parameters, empty: the person fills them (the document's examples are placeholders). */
  pathParams: Param[];
  pathExamples: Record<string, string>;
  query: Param[];
  headers: Param[];
  /** Optional query and header parameters, offered to add. */
  optional: { name: string; in: "query" | "header"; description: string; example: string }[];
  /** The body's starting JSON text, or null for no JSON body. */
  jsonSkeleton: string | null;
  /** A body that is not JSON: its media type. */
  otherBody: string | null;
}

export function fillFromOperation(op: Operation): OperationFill {
  const param = (p: Operation["parameters"][number]): Param => ({ name: p.name, value: exampleText(p.example) });
  const required = (where: string) => op.parameters.filter((p) => p.in === where && p.required).map(param);
  const body = op.request_body;
  const json = body && /json/i.test(body.content_type);
  return {
    method: op.method,
    url: op.path,
    pathParams: pathParamNames(op.path).map((name) => ({ name, value: "" })),
    pathExamples: Object.fromEntries(
      op.parameters.filter((p) => p.in === "path").map((p) => [p.name, exampleText(p.example)]),
    ),
    query: required("query"),
    headers: required("header"),
    optional: op.parameters
      .filter((p) => !p.required && (p.in === "query" || p.in === "header"))
      .map((p) => ({
        name: p.name,
        in: p.in as "query" | "header",
        description: p.description ?? "",
        example: exampleText(p.example),
      })),
    jsonSkeleton: json ? JSON.stringify(body.skeleton) : null,
    otherBody: body && !json ? body.content_type : null,
  };
}
