import { describe, expect, it } from "vitest";
import { CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import type { Variable } from "../../api";
import { completionEdit, editorVariables, referenceAt, variableCompletions, variablesChanged } from "./editorVariables";
import { hoverCard } from "./hoverCard";
import { hoverFor, visibleTo } from "./variables";

const v = (name: string, service: string | null, value: string | null, secret = false): Variable => ({
  name,
  service,
  secret,
  value,
  updated_at: 0,
});
const all = [v("subject", null, "Weekly sync"), v("mid", "goto", "42"), v("mid", null, "1"), v("token", null, null, true)];
const visible = () => visibleTo(all, "goto");

function complete(doc: string, pos = doc.length): CompletionResult | null {
  const state = EditorState.create({ doc });
  return variableCompletions(visible)(new CompletionContext(state, pos, false)) as CompletionResult | null;
}

describe("{{ in the raw JSON editor", () => {
  it("offers the service's variables after {{, its own value winning, a secret masked", () => {
    const doc = '{\n  "subject": "{{';
    const result = complete(doc);
    expect(result?.from).toBe(doc.length);
    expect(result?.options.map((o) => [o.label, o.detail])).toEqual([
      ["mid", "42"],
      ["subject", "Weekly sync"],
      ["token", "•••••• secret"],
    ]);
    expect(complete('{"a": "{{su')?.options.map((o) => o.label)).toEqual(["subject"]);
    expect(complete('{"a": "\\{{su')).toBeNull();
    expect(complete('{"a": "{{subject}}"')).toBeNull();
  });

  it("inserts the name and closes the reference, or uses the }} already there", () => {
    const typed = EditorState.create({ doc: '{"a": "{{su"}' });
    const open = typed.update(completionEdit(typed, 9, 11, "subject")).state;
    expect(open.doc.toString()).toBe('{"a": "{{subject}}"}');
    expect(open.selection.main.head).toBe(18);
    // CodeMirror closed the braces as they were typed.
    const closed = EditorState.create({ doc: '{"a": "{{su}}"}' });
    const done = closed.update(completionEdit(closed, 9, 11, "subject")).state;
    expect(done.doc.toString()).toBe('{"a": "{{subject}}"}');
    expect(done.selection.main.head).toBe(18);
  });

  it("knows which reference a position is in, on any line", () => {
    const state = EditorState.create({ doc: '{\n  "a": "{{mid}} and {{subject}}"\n}' });
    const second = state.doc.toString().indexOf("{{subject}}");
    expect(referenceAt(state, second + 3)).toEqual({ start: second, end: second + 11, name: "subject" });
    expect(referenceAt(state, 4)).toBeNull();
  });

  it("the card shows one variable: a secret masked, an unknown one named", () => {
    const secret = hoverCard(hoverFor("token", visible()));
    expect(secret.textContent).toBe("{{token}}global•••••• secret");
    expect(secret.querySelector(".val")?.className).toBe("val secret");
    const unknown = hoverCard(hoverFor("nope", visible()));
    expect(unknown.querySelector(".val")?.textContent).toBe("unknown variable nope");
    expect(unknown.querySelector(".scope")).toBeNull();
  });

  it("marks a reference to no variable apart, and again once one is added", () => {
    const seen = [...all];
    const view = new EditorView({
      parent: document.body,
      state: EditorState.create({
        doc: '{"a": "{{subject}}", "b": "{{meeting_id}}"}',
        extensions: editorVariables(() => visibleTo(seen, "goto")),
      }),
    });
    const unknownMarks = () => [...view.contentDOM.querySelectorAll(".cm-var-unknown")].map((e) => e.textContent);
    expect(view.contentDOM.querySelectorAll(".cm-var-ref")).toHaveLength(2);
    expect(unknownMarks()).toEqual(["{{meeting_id}}"]);
    seen.push(v("meeting_id", "goto", "7"));
    view.dispatch({ effects: variablesChanged.of(null) });
    expect(unknownMarks()).toEqual([]);
    expect(view.contentDOM.querySelectorAll(".cm-var-ref")).toHaveLength(2);
    view.destroy();
  });
});
