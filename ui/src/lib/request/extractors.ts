import type { Extractor } from "../../api";

/** "joinURL, $[0].meetingid" → a find-key extractor and a JSONPath one. */
export function parseExtractors(text: string): Extractor[] {
  return text
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "")
    .map((t) => (t.startsWith("$") ? { kind: "json_path", expression: t } : { kind: "find_key", key: t, case_insensitive: false }));
}

export function formatExtractors(list: Extractor[]): string {
  return list.map((e) => (e.kind === "json_path" ? e.expression : e.key)).join(", ");
}
