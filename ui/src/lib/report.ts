// The one place screens report failures and copy or open things, so every
// error reads the same way and every copy says what it copied.
import { copyText, openInBrowser, toApiError, type ApiError } from "../api";
import { notify } from "./toast.svelte";

/** Shows why an action failed in the status bar, and returns the error. */
export function reportError(err: unknown): ApiError {
  const error = toApiError(err);
  notify(error.message, "error");
  return error;
}

/** Copies `text` to the clipboard and says `${what} copied`; false if it failed. */
export async function copyAndSay(text: string, what: string): Promise<boolean> {
  try {
    await copyText(text);
    notify(`${what} copied`);
    return true;
  } catch (err) {
    reportError(err);
    return false;
  }
}

/** Opens `url` in the system browser; a failure is reported, not thrown. */
export async function openAndReport(url: string): Promise<boolean> {
  try {
    await openInBrowser(url);
    return true;
  } catch (err) {
    reportError(err);
    return false;
  }
}
