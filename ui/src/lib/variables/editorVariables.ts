// `{{name}}` in the raw JSON editor (CodeMirror): typing `{{` offers the
// variables the request sees (CodeMirror's own completion: ↑↓, Enter,
// Escape), each reference is marked, and the mouse over one — or the caret
// in one, from the keyboard — shows a card with that variable's value.
// The same rules as the plain fields' (variables.ts).
import { autocompletion, completionStatus, type Completion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { StateEffect, StateField, type EditorState, type Extension, type TransactionSpec } from "@codemirror/state";
import {
  Decoration,
  EditorView,
  MatchDecorator,
  ViewPlugin,
  hoverTooltip,
  showTooltip,
  tooltips,
  type DecorationSet,
  type Tooltip,
  type ViewUpdate,
} from "@codemirror/view";
import type { Variable } from "../../api";
import { hoverCard } from "./hoverCard";
import { applyCompletion, completionAt, completions, hoverFor, referenceSpans, type ReferenceSpan } from "./variables";

type Visible = () => Map<string, Variable>;

/** The completion after `{{` on the caret's line, or null. */
export function variableCompletions(visible: Visible) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const line = ctx.state.doc.lineAt(ctx.pos);
    const at = completionAt(line.text, ctx.pos - line.from);
    if (!at) return null;
    const seen = visible();
    const names = completions([...seen.keys()].sort(), at.prefix);
    if (!names.length) return null;
    return {
      from: line.from + at.start,
      options: names.map((name) => {
        const h = hoverFor(name, seen);
        return { label: name, detail: h.text, type: "variable", apply: applyName(name) };
      }),
      validFor: /^[A-Za-z0-9_.-]*$/,
    };
  };
}

/** The edit that puts `name` at `from..to` and closes the reference (unless `}}` follows), caret after it. */
export function completionEdit(state: EditorState, from: number, to: number, name: string): TransactionSpec {
  const line = state.doc.lineAt(from);
  const next = applyCompletion(line.text, from - line.from, to - line.from, name);
  return {
    changes: { from: line.from, to: line.to, insert: next.text },
    selection: { anchor: line.from + next.caret },
    userEvent: "input.complete",
  };
}

function applyName(name: string): NonNullable<Completion["apply"]> {
  return (view, _completion, from, to) => view.dispatch(completionEdit(view.state, from, to, name));
}

/** The reference at `pos` (inside it or at its edge), with document offsets. */
export function referenceAt(state: EditorState, pos: number): ReferenceSpan | null {
  const line = state.doc.lineAt(pos);
  const span = referenceSpans(line.text).find((s) => pos - line.from >= s.start && pos - line.from <= s.end);
  return span ? { start: line.from + span.start, end: line.from + span.end, name: span.name } : null;
}

function tooltipFor(span: ReferenceSpan, visible: Visible): Tooltip {
  return {
    pos: span.start,
    end: span.end,
    above: false,
    create: () => ({ dom: hoverCard(hoverFor(span.name, visible())) }),
  };
}

/** From the keyboard: the card of the reference the caret is in. */
function caretCard(visible: Visible): StateField<Tooltip | null> {
  const compute = (state: EditorState): Tooltip | null => {
    const range = state.selection.main;
    // While the completion list is open, it is what the person looks at.
    if (!range.empty || completionStatus(state) !== null) return null;
    const span = referenceAt(state, range.head);
    return span ? tooltipFor(span, visible) : null;
  };
  return StateField.define<Tooltip | null>({
    create: compute,
    update(value, tr) {
      const next = compute(tr.state);
      // The same reference keeps its card (no flicker while moving inside it).
      if (value && next && value.pos === next.pos && value.end === next.end) return value;
      return next;
    },
    provide: (field) => showTooltip.from(field),
  });
}

/** Dispatch when the variables the editor sees changed: the marks are redrawn. */
export const variablesChanged = StateEffect.define<null>();

const known = Decoration.mark({ class: "cm-var-ref" });
const unknown = Decoration.mark({ class: "cm-var-ref cm-var-unknown" });

/** Each reference marked, one to no variable the request sees in the warning colour. */
function highlight(visible: Visible) {
  // The variables, looked up once per redraw (not per reference), and only
  // when a reference is being marked.
  let seen: Map<string, Variable> | null = null;
  const marks = new MatchDecorator({
    regexp: /(?<!\\)\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g,
    decoration: (match) => ((seen ??= visible()).has(match[1] ?? "") ? known : unknown),
  });
  return ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      constructor(view: EditorView) {
        seen = null;
        this.decorations = marks.createDeco(view);
      }
      update(update: ViewUpdate) {
        seen = null;
        const redraw = update.transactions.some((tr) => tr.effects.some((e) => e.is(variablesChanged)));
        this.decorations = redraw ? marks.createDeco(update.view) : marks.updateDeco(update, this.decorations);
      }
    },
    { decorations: (v) => v.decorations },
  );
}

/** The card's look inside the editor's shadow root (app.css does not reach there). */
const theme = EditorView.theme({
  ".cm-var-ref": { color: "var(--accent)", backgroundColor: "var(--accent-soft)", borderRadius: "3px" },
  // The plain fields' tint for a name no variable has (app.css .var-mark.unknown).
  ".cm-var-ref.cm-var-unknown": {
    color: "var(--bad)",
    backgroundColor: "var(--bad-soft)",
    boxShadow: "inset 0 -1.5px 0 var(--bad)",
  },
  ".cm-tooltip": {
    backgroundColor: "var(--bg-raised)",
    color: "var(--text)",
    border: "1px solid var(--border)",
    borderRadius: "var(--radius)",
    boxShadow: "0 6px 18px rgb(0 0 0 / 0.18)",
  },
  ".cm-tooltip.cm-tooltip-autocomplete > ul": { fontFamily: "var(--mono)", maxHeight: "180px" },
  ".cm-tooltip.cm-tooltip-autocomplete > ul > li[aria-selected]": {
    backgroundColor: "var(--accent-soft)",
    color: "var(--text)",
  },
  ".cm-completionDetail": { color: "var(--text-muted)", marginLeft: "1.2em", fontStyle: "normal" },
  ".var-hover": { padding: "6px 10px", fontSize: "12.5px", maxWidth: "360px", fontFamily: "var(--font)" },
  ".var-hover .head": { display: "flex", gap: "8px", alignItems: "baseline" },
  ".var-hover code": { fontFamily: "var(--mono)", color: "var(--accent)" },
  ".var-hover .scope": { color: "var(--text-muted)", fontSize: "11.5px" },
  ".var-hover .val": { marginTop: "2px", fontFamily: "var(--mono)", overflowWrap: "anywhere" },
  ".var-hover .val.secret": { color: "var(--text-muted)" },
  ".var-hover .val.unknown": { fontFamily: "var(--font)", color: "var(--bad)" },
});

export function editorVariables(visible: Visible): Extension[] {
  return [
    // Placed inside the editor's box: a fixed position inside the request
    // pane's layout lands off the visible area in WebKitGTK (measured).
    tooltips({ position: "absolute" }),
    autocompletion({ override: [variableCompletions(visible)], icons: false }),
    hoverTooltip((view, pos) => {
      const span = referenceAt(view.state, pos);
      if (!span) return null;
      // The caret's card already shows this one.
      const caret = view.state.selection.main;
      if (caret.empty && caret.head >= span.start && caret.head <= span.end && completionStatus(view.state) === null) return null;
      return tooltipFor(span, visible);
    }),
    caretCard(visible),
    highlight(visible),
    theme,
  ];
}
