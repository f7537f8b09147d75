// `{{name}}` in the builder: which variables a service's requests see, the
// names a text refers to, what a hover says about them, and completing a
// name after `{{`. Rust expands the references when it sends.
import type { Variable } from "../../api";

/** What a variable name looks like (the core's rule, for completion only). */
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** The variables a request of `service` sees: its own win over the global ones of the same name. */
export function visibleTo(all: Variable[], service: string | null): Map<string, Variable> {
  const seen = new Map<string, Variable>();
  for (const v of all) if (v.service === null) seen.set(v.name, v);
  if (service) for (const v of all) if (v.service === service) seen.set(v.name, v);
  return seen;
}

/** The names `text` refers to as `{{ name }}`, once each, in order; `\{{` is a literal. */
export function referencesIn(text: string): string[] {
  return [...new Set(referenceSpans(text).map((s) => s.name))];
}

/** One `{{ name }}` in a text: where it starts and ends (the braces included). */
export interface ReferenceSpan {
  start: number;
  end: number;
  name: string;
}

/** Every reference in `text` with its place, repeats included; `\{{` is a literal. */
export function referenceSpans(text: string): ReferenceSpan[] {
  const spans: ReferenceSpan[] = [];
  for (const m of text.matchAll(/(\\?)\{\{\s*([^{}]*?)\s*\}\}/g)) {
    const name = m[2] ?? "";
    if (m[1] === "\\" || !NAME.test(name)) continue;
    spans.push({ start: m.index, end: m.index + m[0].length, name });
  }
  return spans;
}

/** The reference the position `at` is in (or just after), if any. */
export function spanAt(text: string, at: number): ReferenceSpan | null {
  return referenceSpans(text).find((s) => at >= s.start && at <= s.end) ?? null;
}

/** What a hover over one reference says: its value (a secret one masked) and where it comes from, or that it is unknown. */
export interface VariableHover {
  name: string;
  known: boolean;
  secret: boolean;
  /** The value, `•••••• secret`, or `unknown variable NAME`. */
  text: string;
  /** `global`, the service's slug, or empty for an unknown one. */
  scope: string;
}

export function hoverFor(name: string, visible: Map<string, Variable>): VariableHover {
  const v = visible.get(name);
  if (!v) return { name, known: false, secret: false, text: `unknown variable ${name}`, scope: "" };
  return {
    name,
    known: true,
    secret: v.secret,
    text: v.secret ? "•••••• secret" : (v.value ?? ""),
    scope: v.service ?? "global",
  };
}

/** One line per reference: its value, masked for a secret one, or that it is unknown. */
export function describeReferences(text: string, visible: Map<string, Variable>): string[] {
  return referencesIn(text).map((name) => {
    const h = hoverFor(name, visible);
    return h.known ? `{{${name}}} = ${h.text} (${h.scope})` : `{{${name}}}: unknown variable`;
  });
}

/** The names `text` refers to that no visible variable has. */
export function unknownReferences(text: string, visible: Map<string, Variable>): string[] {
  return referencesIn(text).filter((name) => !visible.has(name));
}

/** When the caret is just after `{{` and a partial name: where the name starts and what is typed. */
export function completionAt(text: string, caret: number): { start: number; prefix: string } | null {
  const before = text.slice(0, caret);
  const m = /\{\{\s*([A-Za-z0-9_.-]*)$/.exec(before);
  if (!m || before.slice(0, m.index).endsWith("\\")) return null;
  const prefix = m[1] ?? "";
  return { start: caret - prefix.length, prefix };
}

/** The names offered for `prefix`: those starting with it first, then those containing it. */
export function completions(names: string[], prefix: string): string[] {
  const p = prefix.toLowerCase();
  const starts = names.filter((n) => n.toLowerCase().startsWith(p));
  const inside = names.filter((n) => !n.toLowerCase().startsWith(p) && n.toLowerCase().includes(p));
  return [...starts, ...inside].slice(0, 50);
}

/**
 * `text` with the partial name at `start..caret` replaced by `name` and the
 * reference closed (unless `}}` already follows); the new caret goes after it.
 */
export function applyCompletion(text: string, start: number, caret: number, name: string): { text: string; caret: number } {
  const after = text.slice(caret);
  const closing = /^\s*\}\}/.test(after) ? "" : "}}";
  const inserted = name + closing;
  const next = text.slice(0, start) + inserted + after;
  const end = start + inserted.length + (closing ? 0 : (/^\s*\}\}/.exec(after)?.[0].length ?? 0));
  return { text: next, caret: end };
}

/** A variable name from a JSONPath such as `$[0].meetingid` (its last key), or `value`. */
export function suggestName(path: string): string {
  const keys = [...path.matchAll(/\.([A-Za-z_][A-Za-z0-9_-]*)|\['([^']+)'\]/g)].map((m) => m[1] ?? m[2] ?? "");
  const last = keys[keys.length - 1] ?? "";
  const cleaned = last.replace(/[^A-Za-z0-9_.-]/g, "_");
  return NAME.test(cleaned) ? cleaned.slice(0, 64) : "value";
}
