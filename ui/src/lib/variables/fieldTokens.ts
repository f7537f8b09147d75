// Where each `{{name}}` of an input or textarea sits on screen. A field
// does not say where its characters are, so a hidden copy with the same
// font, padding and wrapping lays the text out, and its spans are measured
// (the usual way to place a popover at a character of a textarea).
import type { ReferenceSpan } from "./variables";

const COPIED = [
  "boxSizing",
  "width",
  "paddingTop",
  "paddingRight",
  "paddingBottom",
  "paddingLeft",
  "borderTopWidth",
  "borderRightWidth",
  "borderBottomWidth",
  "borderLeftWidth",
  "borderStyle",
  "fontFamily",
  "fontSize",
  "fontWeight",
  "fontStyle",
  "fontVariant",
  "letterSpacing",
  "wordSpacing",
  "lineHeight",
  "textTransform",
  "textIndent",
  "tabSize",
] as const;

export interface TokenBox {
  span: ReferenceSpan;
  /** Viewport rectangles: more than one when a textarea wraps the reference. */
  rects: DOMRect[];
}

export function tokenBoxes(el: HTMLInputElement | HTMLTextAreaElement, spans: ReferenceSpan[]): TokenBox[] {
  if (!spans.length) return [];
  const style = getComputedStyle(el);
  const multiline = el instanceof HTMLTextAreaElement;
  const mirror = document.createElement("div");
  for (const prop of COPIED) mirror.style[prop] = style[prop];
  mirror.style.position = "fixed";
  mirror.style.left = "0";
  mirror.style.top = "0";
  mirror.style.visibility = "hidden";
  mirror.style.overflow = "hidden";
  mirror.style.whiteSpace = multiline ? "pre-wrap" : "pre";
  mirror.style.overflowWrap = multiline ? "break-word" : "normal";
  if (!multiline) mirror.style.width = "auto";
  const text = el.value;
  const marks: HTMLSpanElement[] = [];
  let at = 0;
  for (const span of spans) {
    mirror.append(text.slice(at, span.start));
    const mark = document.createElement("span");
    mark.textContent = text.slice(span.start, span.end);
    mirror.append(mark);
    marks.push(mark);
    at = span.end;
  }
  mirror.append(text.slice(at) || " ");
  document.body.append(mirror);
  const origin = mirror.getBoundingClientRect();
  const box = el.getBoundingClientRect();
  const boxes = spans.map((span, i) => {
    const rects = [...(marks[i]?.getClientRects() ?? [])].map((r) => {
      const left = box.left + (r.left - origin.left) - el.scrollLeft;
      // An input's one line is centred: its height is the field's.
      const top = multiline ? box.top + (r.top - origin.top) - el.scrollTop : box.top;
      return new DOMRect(left, top, r.width, multiline ? r.height : box.height);
    });
    return { span, rects };
  });
  mirror.remove();
  return boxes;
}

/** The token under the point (x, y), if any, and the rectangle it is under. */
export function tokenAt(boxes: TokenBox[], x: number, y: number): { span: ReferenceSpan; rect: DOMRect } | null {
  for (const { span, rects } of boxes) {
    for (const rect of rects) {
      if (x >= rect.left && x <= rect.right && y >= rect.top && y <= rect.bottom) return { span, rect };
    }
  }
  return null;
}
