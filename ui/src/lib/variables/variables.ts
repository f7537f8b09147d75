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
  const names: string[] = [];
  const pattern = /(\\?)\{\{\s*([^{}]*?)\s*\}\}/g;
  for (const m of text.matchAll(pattern)) {
    const name = m[2] ?? "";
    if (m[1] === "\\" || !NAME.test(name) || names.includes(name)) continue;
    names.push(name);
  }
  return names;
}

/** One line per reference: its value, masked for a secret one, or that it is unknown. */
export function describeReferences(text: string, visible: Map<string, Variable>): string[] {
  return referencesIn(text).map((name) => {
    const v = visible.get(name);
    if (!v) return `{{${name}}}: unknown variable`;
    const scope = v.service ? ` (${v.service})` : " (global)";
    return v.secret ? `{{${name}}} = •••••• secret${scope}` : `{{${name}}} = ${v.value ?? ""}${scope}`;
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
