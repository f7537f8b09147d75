// The one variable card of the plain fields: shown under (or, near the
// window's bottom, over) the `{{name}}` it describes, kept inside the
// window, and named by the field's aria-describedby while it shows.
import { hoverCard } from "./hoverCard";
import type { VariableHover } from "./variables";

const ID = "var-hover-card";
let shown: { card: HTMLElement; field: HTMLElement } | null = null;

export function showHover(field: HTMLElement, anchor: DOMRect, h: VariableHover) {
  const same = shown?.field === field && shown.card.dataset.name === h.name;
  if (!same) {
    hideHover();
    const card = hoverCard(h);
    card.id = ID;
    card.setAttribute("role", "tooltip");
    document.body.append(card);
    shown = { card, field };
    const ids = (field.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean);
    field.setAttribute("aria-describedby", [...ids, ID].join(" "));
  }
  const card = (shown as { card: HTMLElement }).card;
  const width = card.offsetWidth;
  const height = card.offsetHeight;
  card.style.left = `${Math.max(4, Math.min(anchor.left, window.innerWidth - width - 4))}px`;
  const below = anchor.bottom + 4;
  card.style.top = below + height > window.innerHeight - 4 ? `${Math.max(4, anchor.top - height - 4)}px` : `${below}px`;
}

/** Hides the card (only `field`'s, when given). */
export function hideHover(field?: HTMLElement) {
  if (!shown || (field && shown.field !== field)) return;
  shown.card.remove();
  const ids = (shown.field.getAttribute("aria-describedby") ?? "").split(/\s+/).filter((id) => id && id !== ID);
  if (ids.length) shown.field.setAttribute("aria-describedby", ids.join(" "));
  else shown.field.removeAttribute("aria-describedby");
  shown = null;
}
