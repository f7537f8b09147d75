// `use:varField={scope}` on a builder input or textarea: typing `{{` offers
// the variable names the request can use (↑↓, Enter or Tab, Escape), and
// pointing at one `{{name}}` in it (with the mouse, or the caret from the
// keyboard) shows a card with that variable's value (a secret one masked,
// a missing one as unknown).
import type { Action } from "svelte/action";
import { variables } from "../workspace.svelte";
import { hideMarks, showMarks } from "./fieldMarks";
import { tokenAt, tokenBoxes, type TokenBox } from "./fieldTokens";
import { hideHover, showHover } from "./hoverPopover";
import { applyCompletion, completionAt, completions, hoverFor, referenceSpans, spanAt, visibleTo } from "./variables";

/** Which service's variables a field sees; read on every keystroke, so it can change. */
export interface VarScope {
  service: () => string | null;
}

export const VAR_SCOPE = Symbol("latchkey.varScope");

type Field = HTMLInputElement | HTMLTextAreaElement;

export const varField: Action<Field, VarScope | undefined> = (el, initial) => {
  // Outside the builder (no scope given) a field stays a plain field.
  if (!initial) return {};
  let scope = initial;
  let popup: HTMLUListElement | null = null;
  let offered: string[] = [];
  let active = 0;
  let at: { start: number; prefix: string } | null = null;

  const visible = () => visibleTo(variables.all, scope?.service() ?? null);

  function close() {
    popup?.remove();
    popup = null;
    offered = [];
    el.removeAttribute("aria-activedescendant");
    el.setAttribute("aria-expanded", "false");
  }

  function render() {
    if (!popup) {
      popup = document.createElement("ul");
      popup.className = "popup-list var-complete";
      popup.id = `var-complete-${Math.random().toString(36).slice(2)}`;
      popup.setAttribute("role", "listbox");
      popup.setAttribute("aria-label", "Variables");
      popup.dataset.testid = "var-complete";
      document.body.appendChild(popup);
      el.setAttribute("aria-controls", popup.id);
    }
    const box = el.getBoundingClientRect();
    popup.style.left = `${Math.max(4, Math.min(box.left, window.innerWidth - 264))}px`;
    const below = box.bottom + 2;
    popup.style.top = below + 180 > window.innerHeight ? `${Math.max(4, box.top - 182)}px` : `${below}px`;
    const seen = visible();
    popup.replaceChildren(
      ...offered.map((name, i) => {
        const li = document.createElement("li");
        const v = seen.get(name);
        li.id = `${popup?.id}-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", String(i === active));
        li.dataset.name = name;
        const label = document.createElement("span");
        label.className = "name";
        label.textContent = name;
        const value = document.createElement("span");
        value.className = "val";
        value.textContent = v?.secret ? "•••••• secret" : (v?.value ?? "");
        li.append(label, value);
        li.addEventListener("mousedown", (e) => {
          e.preventDefault();
          choose(i);
        });
        return li;
      }),
    );
    el.setAttribute("aria-expanded", "true");
    el.setAttribute("aria-activedescendant", `${popup.id}-${active}`);
  }

  function update() {
    const caret = el.selectionStart ?? el.value.length;
    at = completionAt(el.value, caret);
    offered = at ? completions([...visible().keys()].sort(), at.prefix) : [];
    if (!offered.length) return close();
    active = Math.min(active, offered.length - 1);
    render();
  }

  function choose(i: number) {
    const name = offered[i];
    if (!name || !at) return close();
    const caret = el.selectionStart ?? el.value.length;
    const next = applyCompletion(el.value, at.start, caret, name);
    el.value = next.text;
    el.setSelectionRange(next.caret, next.caret);
    // bind:value listens for input events.
    el.dispatchEvent(new Event("input", { bubbles: true }));
    close();
    onCaret();
  }

  function onKeydown(event: Event) {
    const e = event as KeyboardEvent;
    if (!popup) return;
    if (e.key === "ArrowDown") active = (active + 1) % offered.length;
    else if (e.key === "ArrowUp") active = (active - 1 + offered.length) % offered.length;
    else if (e.key === "Enter" || e.key === "Tab") choose(active);
    else if (e.key === "Escape") close();
    else return;
    e.preventDefault();
    e.stopPropagation();
    if (popup) render();
  }

  /** Whether the pointer is over the field (its references are tinted then, and while it has the focus). */
  let hovered = false;

  /** Tints the references while the field is pointed at or focused; answers where they are. */
  function refreshMarks(): TokenBox[] {
    if (!hovered && document.activeElement !== el) {
      hideMarks(el);
      return [];
    }
    const seen = visible();
    const boxes = tokenBoxes(el, referenceSpans(el.value));
    showMarks(
      el,
      boxes.map((box) => ({ box, known: seen.has(box.span.name) })),
    );
    return boxes;
  }

  /** Where the pointer last was over the field. */
  let pointer: { x: number; y: number } | null = null;

  /** The card for the reference under the pointer. */
  function pointAt(x: number, y: number) {
    const boxes = refreshMarks();
    if (popup) return;
    const hit = tokenAt(boxes, x, y);
    if (hit) showHover(el, hit.rect, hoverFor(hit.span.name, visible()));
    else if (document.activeElement !== el || !caretCard()) hideHover(el);
  }

  function onPointer(event: Event) {
    const e = event as MouseEvent;
    hovered = true;
    pointer = { x: e.clientX, y: e.clientY };
    pointAt(pointer.x, pointer.y);
  }

  /** The card for the reference the caret is in, from the keyboard; false when it is in none. */
  function caretCard(): boolean {
    if (popup || el.selectionStart !== el.selectionEnd || el.selectionStart === null) return false;
    const span = spanAt(el.value, el.selectionStart);
    if (!span) return false;
    const rect = tokenBoxes(el, [span])[0]?.rects[0];
    if (!rect) return false;
    showHover(el, rect, hoverFor(span.name, visible()));
    return true;
  }

  const onCaret = () => {
    refreshMarks();
    if (!caretCard()) hideHover(el);
  };
  const onEnter = () => {
    hovered = true;
    refreshMarks();
  };
  const onLeave = () => {
    hovered = false;
    pointer = null;
    refreshMarks();
    if (document.activeElement !== el || !caretCard()) hideHover(el);
  };
  const onBlur = () => {
    close();
    hideHover(el);
    refreshMarks();
  };
  const onInput = () => {
    update();
    onCaret();
  };
  // The page scrolled or the window changed size: the tints and the card
  // follow the text (a scroll can come a frame after the pointer moved).
  const onMoved = () => {
    if (hovered && pointer) pointAt(pointer.x, pointer.y);
    else if (document.activeElement === el) onCaret();
    else {
      hideMarks(el);
      hideHover(el);
    }
  };
  const listeners: [string, EventListener][] = [
    ["input", onInput],
    ["keydown", onKeydown],
    ["keyup", onCaret],
    ["click", onCaret],
    ["focus", onCaret],
    ["blur", onBlur],
    ["mouseenter", onEnter],
    ["mousemove", onPointer],
    ["mouseleave", onLeave],
  ];
  el.setAttribute("aria-autocomplete", "list");
  for (const [type, listener] of listeners) el.addEventListener(type, listener);
  window.addEventListener("scroll", onMoved, true);
  window.addEventListener("resize", onMoved);

  return {
    update(next) {
      if (next) scope = next;
    },
    destroy() {
      close();
      hideHover(el);
      hideMarks(el);
      for (const [type, listener] of listeners) el.removeEventListener(type, listener);
      window.removeEventListener("scroll", onMoved, true);
      window.removeEventListener("resize", onMoved);
    },
  };
};
