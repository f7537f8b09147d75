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
  return list.map(extractorText).join(", ");
}

/** What the person typed for one extractor: its key or its JSONPath. */
export function extractorText(e: Extractor): string {
  return e.kind === "json_path" ? e.expression : e.key;
}

/** The variable names of `list`, by extractor text. */
export function variableNames(list: Extractor[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const e of list) if (e.variable) names[extractorText(e)] = e.variable;
  return names;
}

/** `list` with each extractor's variable from `names` (a blank one names none). */
export function withVariables(list: Extractor[], names: Record<string, string>): Extractor[] {
  return list.map((e) => {
    const variable = names[extractorText(e)]?.trim();
    return variable ? { ...e, variable } : e;
  });
}
