import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import HistoryView from "./HistoryView.svelte";

// History asks Rust for one page of entries; here the store holds one GET,
// and a search for anything else finds nothing.
const entry = {
  id: 1,
  created_at: Date.now(),
  service: null,
  user: null,
  method: "GET",
  url: "https://api.example.com/meetings",
  status: 200,
  duration_ms: 12,
  size: 10,
  error: null,
  source: "app",
};
vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(async (cmd: string, args: { filter?: { text: string | null } }) => {
    if (cmd !== "list_history") return null;
    const text = args.filter?.text ?? null;
    return { entries: text === null || "GET /meetings".includes(text) ? [entry] : [], has_more: false };
  }),
}));
vi.mock("@tauri-apps/plugin-clipboard-manager", () => ({ writeText: vi.fn() }));

describe("HistoryView", () => {
  it("says a filter matched nothing, not that nothing was ever sent, and shows all again", async () => {
    render(HistoryView);
    expect(await screen.findByText("/meetings", { exact: false })).toBeInTheDocument();
    await fireEvent.input(screen.getByLabelText("Search URL and body"), { target: { value: "zzz" } });
    await fireEvent.click(screen.getByRole("button", { name: "Filter" }));
    const none = await screen.findByTestId("history-none");
    expect(none).toHaveTextContent("No requests match these filters.");
    expect(none).not.toHaveTextContent("No requests yet");
    await fireEvent.click(screen.getByRole("button", { name: "Show all" }));
    expect(await screen.findByText("/meetings", { exact: false })).toBeInTheDocument();
    expect(screen.getByLabelText("Search URL and body")).toHaveValue("");
  });
});
