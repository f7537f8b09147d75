// While the pointer or the focus is in a builder field, each `{{name}}` in
// it is tinted (red for one no variable has), so the person sees where to
// point for a card. The tints are boxes over the field, not part of its
// text: an input cannot style parts of its value.
import type { TokenBox } from "./fieldTokens";

const shown = new Map<HTMLElement, HTMLElement[]>();

export function showMarks(field: HTMLElement, boxes: { box: TokenBox; known: boolean }[]) {
  hideMarks(field);
  // Only what the field shows: a reference scrolled out of it is not marked.
  const style = getComputedStyle(field);
  const outer = field.getBoundingClientRect();
  const left = outer.left + parseFloat(style.borderLeftWidth);
  const right = outer.right - parseFloat(style.borderRightWidth);
  const top = outer.top + parseFloat(style.borderTopWidth);
  const bottom = outer.bottom - parseFloat(style.borderBottomWidth);
  const marks: HTMLElement[] = [];
  for (const { box, known } of boxes) {
    for (const r of box.rects) {
      const x0 = Math.max(left, r.left - 1);
      const x1 = Math.min(right, r.right + 1);
      // An input's line: a band around the text, not the whole field.
      const lineHeight = parseFloat(style.fontSize) * 1.35;
      const y0 = Math.max(top, r.top + (r.height - Math.min(r.height, lineHeight)) / 2);
      const y1 = Math.min(bottom, y0 + Math.min(r.height, lineHeight));
      if (x1 <= x0 || y1 <= y0) continue;
      const mark = document.createElement("div");
      mark.className = known ? "var-mark" : "var-mark unknown";
      mark.setAttribute("aria-hidden", "true");
      mark.style.left = `${x0}px`;
      mark.style.top = `${y0}px`;
      mark.style.width = `${x1 - x0}px`;
      mark.style.height = `${y1 - y0}px`;
      document.body.append(mark);
      marks.push(mark);
    }
  }
  if (marks.length) shown.set(field, marks);
}

export function hideMarks(field: HTMLElement) {
  for (const mark of shown.get(field) ?? []) mark.remove();
  shown.delete(field);
}
