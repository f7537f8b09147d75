import type { AuthKind, Received, User, UserStatus } from "../api";

export const authKindLabel: Record<AuthKind, string> = {
  authorization_code: "Authorization code",
  client_credentials: "Client credentials",
  device_code: "Device code",
  api_key: "API key",
  none: "No auth",
};

export const userStatusLabel: Record<UserStatus, string> = {
  new: "Not authorized",
  authorized: "Authorized",
  needs_reauth: "Needs re-authorization",
  revoked: "Revoked",
};

/** The class an HTTP status is coloured by (`.http-status` in app.css); a
 * request that got no answer (null) counts as bad. */
export function statusTone(code: number | null): "ok" | "redirect" | "bad" {
  if (code === null) return "bad";
  return code < 300 ? "ok" : code < 400 ? "redirect" : "bad";
}

/** "in 5 min", "2 h ago": how far a unix-ms instant is from `now`. */
export function relativeTime(at: number, now: number = Date.now()): string {
  const diff = at - now;
  const abs = Math.abs(diff);
  const units: [number, string][] = [
    [86_400_000, "d"],
    [3_600_000, "h"],
    [60_000, "min"],
    [1000, "s"],
  ];
  const [size, unit] = units.find(([size]) => abs >= size) ?? [1000, "s"];
  const n = Math.max(1, Math.round(abs / size));
  return diff >= 0 ? `in ${n} ${unit}` : `${n} ${unit} ago`;
}

/**
 * What the users table says of a user's access token at `now`: a countdown
 * while it is valid, and once it has expired whether the next request
 * renews it (a refresh token is kept) or the user must authorize again.
 */
export function expiryLabel(
  user: Pick<User, "status" | "expires_at" | "refreshable">,
  now: number = Date.now(),
): string {
  if (user.status !== "authorized" || user.expires_at === null) return "—";
  if (user.expires_at > now) return `expires ${relativeTime(user.expires_at, now)}`;
  if (user.refreshable === true) return "expired, refreshes on next use";
  if (user.refreshable === false) return "expired, needs re-authorization (no refresh token)";
  return `expired ${relativeTime(user.expires_at, now)}`;
}

/** "512 B", "3.4 KB", "2.4 MB": a size as a person reads it. */
export function byteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * "2.4 MB received", or "2.4 MB of 50.0 MB received" when the server said
 * how much; once the body is whole, that the view is being prepared (a big
 * JSON answer takes a moment to index).
 */
export function receivedLabel(received: Received): string {
  if (received.complete) return `${byteSize(received.bytes)} received, preparing the view`;
  const of = received.expected !== null && received.expected >= received.bytes ? ` of ${byteSize(received.expected)}` : "";
  return `${byteSize(received.bytes)}${of} received`;
}

/** "3.1 s": how long a request has been out. */
export function elapsedLabel(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** "77 ms" under a second, "23.9 s" from there: how long an answer took. */
export function durationLabel(ms: number): string {
  return ms < 1000 ? `${Math.max(0, Math.round(ms))} ms` : elapsedLabel(ms);
}
