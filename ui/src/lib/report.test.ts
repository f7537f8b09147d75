import { beforeEach, describe, expect, it, vi } from "vitest";

const writeText = vi.fn();
const openUrl = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/plugin-clipboard-manager", () => ({ writeText: (text: string) => writeText(text) }));
vi.mock("@tauri-apps/plugin-opener", () => ({ openUrl: (url: string) => openUrl(url) }));

const { copyAndSay, openAndReport, reportError } = await import("./report");
const { toast } = await import("./toast.svelte");

describe("report", () => {
  beforeEach(() => {
    writeText.mockReset();
    openUrl.mockReset();
    toast.text = "";
  });

  it("says what it copied", async () => {
    expect(await copyAndSay("http://127.0.0.1:8749/callback", "Redirect URI")).toBe(true);
    expect(writeText).toHaveBeenCalledWith("http://127.0.0.1:8749/callback");
    expect(toast).toMatchObject({ text: "Redirect URI copied", tone: "info" });
  });

  it("reports a failed copy or open with the backend's message", async () => {
    writeText.mockRejectedValue({ code: "internal", message: "no clipboard", fields: [] });
    expect(await copyAndSay("x", "Value")).toBe(false);
    expect(toast).toMatchObject({ text: "no clipboard", tone: "error" });
    openUrl.mockRejectedValue(new Error("xdg-open is missing"));
    expect(await openAndReport("https://example.com")).toBe(false);
    expect(toast).toMatchObject({ text: "xdg-open is missing", tone: "error" });
  });

  it("turns anything thrown into an error with a code", () => {
    const err = reportError({ code: "not_found", message: "no user `bob`", fields: [] });
    expect(err.code).toBe("not_found");
    expect(toast.text).toBe("no user `bob`");
  });
});
