// The only module that talks to Tauri. Screens import typed functions from here.
import { invoke } from "@tauri-apps/api/core";
import { writeText } from "@tauri-apps/plugin-clipboard-manager";
import type { AppInfo } from "./bindings/AppInfo";
import { toApiError } from "./errors";

export type { AppInfo } from "./bindings/AppInfo";
export type { KeyringState } from "./bindings/KeyringState";
export type { KeyringStatus } from "./bindings/KeyringStatus";
export type { ErrorCode } from "./bindings/ErrorCode";
export { ApiError } from "./errors";

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw toApiError(raw);
  }
}

export const appInfo = (): Promise<AppInfo> => call<AppInfo>("app_info");

export async function copyText(text: string): Promise<void> {
  try {
    await writeText(text);
  } catch (raw) {
    throw toApiError(raw);
  }
}
