// The card a hover over one `{{name}}` shows, in the plain fields
// (varField.ts) and in the raw JSON editor (JsonEditor.svelte): the name,
// where the value comes from, and the value (a secret one masked) or that
// no variable has that name.
import type { VariableHover } from "./variables";

/** Long values are cut here: the card is a glance, Variables shows the rest. */
const MAX_SHOWN = 300;

export function hoverCard(h: VariableHover): HTMLElement {
  const card = document.createElement("div");
  card.className = "var-hover";
  card.dataset.testid = "var-hover";
  card.dataset.name = h.name;
  const head = document.createElement("div");
  head.className = "head";
  const name = document.createElement("code");
  name.textContent = `{{${h.name}}}`;
  head.append(name);
  if (h.scope) {
    const scope = document.createElement("span");
    scope.className = "scope";
    scope.textContent = h.scope;
    head.append(scope);
  }
  const value = document.createElement("div");
  value.className = h.known ? (h.secret ? "val secret" : "val") : "val unknown";
  const text = h.text.length > MAX_SHOWN ? `${h.text.slice(0, MAX_SHOWN)}…` : h.text;
  value.textContent = h.known && text === "" ? "(empty)" : text;
  card.append(head, value);
  return card;
}
