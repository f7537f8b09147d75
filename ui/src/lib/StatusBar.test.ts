import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import StatusBar from "./StatusBar.svelte";
import { ApiError, type AppInfo } from "../api";

// StatusBar receives plain data; mock the Tauri-facing module so no IPC is needed.
vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/plugin-clipboard-manager", () => ({ writeText: vi.fn() }));

const info: AppInfo = {
  version: "0.1.0",
  commit: "0123456789ab",
  data_dir: "/home/ada/.local/share/latchkey",
  keyring: { state: "unavailable", detail: "no OS keyring could be reached" },
  key_file: null,
};

describe("StatusBar", () => {
  it("shows the version, the data dir and an unreachable keyring", () => {
    render(StatusBar, { info, error: null, checking: false, notice: "", onRecheck: vi.fn(), onCopyDataDir: vi.fn() });
    expect(screen.getByTestId("app-version")).toHaveTextContent("v0.1.0");
    expect(screen.getByTestId("app-version")).toHaveAttribute("title", "Latchkey 0.1.0, built from commit 0123456789ab");
    expect(screen.getByTestId("data-dir")).toHaveTextContent("/home/ada/.local/share/latchkey");
    const keyring = screen.getByTestId("keyring-status");
    expect(keyring).toHaveTextContent("No keyring");
    expect(keyring).toHaveAttribute("title", expect.stringContaining("no OS keyring could be reached"));
  });

  it("names the key file instead of the keyring once one is in use", () => {
    render(StatusBar, {
      info: { ...info, key_file: "/home/ada/.local/share/latchkey/data.key" },
      error: null,
      checking: false,
      notice: "",
      onRecheck: vi.fn(),
      onCopyDataDir: vi.fn(),
    });
    const badge = screen.getByTestId("keyring-status");
    expect(badge).toHaveTextContent("Key file");
    expect(badge).toHaveAttribute("title", expect.stringContaining("/home/ada/.local/share/latchkey/data.key"));
  });

  it("asks to check the keyring again when its badge is clicked", async () => {
    const onRecheck = vi.fn();
    render(StatusBar, { info, error: null, checking: false, notice: "", onRecheck, onCopyDataDir: vi.fn() });
    await fireEvent.click(screen.getByTestId("keyring-status"));
    expect(onRecheck).toHaveBeenCalledOnce();
  });

  it("shows the backend's message when app_info failed", () => {
    const error = new ApiError({ code: "storage", message: "cannot use the data directory /x", fields: [] });
    render(StatusBar, { info: null, error, checking: false, notice: "", onRecheck: vi.fn(), onCopyDataDir: vi.fn() });
    expect(screen.getByRole("alert")).toHaveTextContent("cannot use the data directory /x");
  });

  it("shows a keyring that refused the last operation as failed, not available", () => {
    const available: AppInfo = { ...info, keyring: { state: "available", detail: "the Secret Service keyring is reachable" } };
    const keyringFailure = "the Secret Service keyring refused access; unlock your keyring and try again";
    render(StatusBar, { info: available, error: null, checking: false, keyringFailure, notice: "", onRecheck: vi.fn(), onCopyDataDir: vi.fn() });
    const keyring = screen.getByTestId("keyring-status");
    expect(keyring).toHaveTextContent("Keyring failed");
    expect(keyring).not.toHaveClass("available");
    expect(keyring).toHaveAttribute("title", expect.stringContaining("unlock your keyring"));
  });
});
