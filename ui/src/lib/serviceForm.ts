// The service form's editable values (all strings, as inputs hold them) and
// their conversion to and from the ServiceInput that Rust validates. Rules
// live in Rust; this only maps empty strings to "not set".
import type { AuthKind, ClientAuth, Param, PkceMode, Preset, ServiceInput } from "../api";

/** What the service form opens with, all loaded before it shows. */
export interface FormStart {
  input: ServiceInput;
  presets: Preset[];
  /** Stored when the redirect URI box is left empty. */
  defaultRedirect: string;
  /** Why the presets or the default redirect could not be loaded; empty if they were. */
  loadError: string;
}

export interface ServiceFormValues {
  slug: string;
  name: string;
  preset: string | null;
  auth_kind: AuthKind;
  client_id: string;
  client_secret: string;
  clear_client_secret: boolean;
  /** A new API key; empty keeps the stored one. */
  api_key: string;
  authorize_url: string;
  token_url: string;
  revocation_url: string;
  device_url: string;
  scopes: string;
  scope_separator: string;
  authorize_params: Param[];
  token_params: Param[];
  client_auth: ClientAuth;
  pkce: PkceMode;
  redirect_uri: string;
  api_base_url: string;
  placement: "header" | "query";
  token_header: string;
  token_prefix: string;
  token_query: string;
  /** Extra token origins, separated by spaces, commas or line breaks. */
  token_origins: string;
  /** Kept from discovery and sent back unchanged (RFC 9207 sign-in check). */
  issuer: string | null;
  authorization_response_iss: boolean;
}

export function valuesFromInput(input: ServiceInput): ServiceFormValues {
  const p = input.token_placement;
  return {
    slug: input.slug,
    name: input.name ?? "",
    preset: input.preset,
    auth_kind: input.auth_kind,
    client_id: input.client_id ?? "",
    client_secret: "",
    clear_client_secret: false,
    api_key: "",
    authorize_url: input.authorize_url ?? "",
    token_url: input.token_url ?? "",
    revocation_url: input.revocation_url ?? "",
    device_url: input.device_url ?? "",
    scopes: input.scopes,
    scope_separator: input.scope_separator ?? " ",
    authorize_params: input.authorize_params.map((x) => ({ ...x })),
    token_params: input.token_params.map((x) => ({ ...x })),
    client_auth: input.client_auth,
    pkce: input.pkce,
    redirect_uri: input.redirect_uri ?? "",
    api_base_url: input.api_base_url ?? "",
    placement: p.kind,
    token_header: p.kind === "header" ? p.name : "Authorization",
    token_prefix: p.kind === "header" ? p.prefix : "Bearer",
    token_query: p.kind === "query" ? p.name : "access_token",
    token_origins: input.token_origins.join(" "),
    issuer: input.issuer,
    authorization_response_iss: input.authorization_response_iss,
  };
}

const opt = (s: string): string | null => (s.trim() === "" ? null : s.trim());

export function inputFromValues(v: ServiceFormValues): ServiceInput {
  const input: ServiceInput = {
    slug: v.slug.trim(),
    name: opt(v.name),
    preset: v.preset,
    auth_kind: v.auth_kind,
    client_id: opt(v.client_id),
    clear_client_secret: v.clear_client_secret,
    authorize_url: opt(v.authorize_url),
    token_url: opt(v.token_url),
    revocation_url: opt(v.revocation_url),
    device_url: opt(v.device_url),
    scopes: v.scopes.trim(),
    scope_separator: v.scope_separator === "" ? null : v.scope_separator,
    authorize_params: v.authorize_params.filter((x) => x.name.trim() !== "" || x.value !== ""),
    token_params: v.token_params.filter((x) => x.name.trim() !== "" || x.value !== ""),
    client_auth: v.client_auth,
    pkce: v.pkce,
    redirect_uri: opt(v.redirect_uri),
    api_base_url: opt(v.api_base_url),
    token_placement:
      v.placement === "header"
        ? { kind: "header", name: v.token_header.trim(), prefix: v.token_prefix.trim() }
        : { kind: "query", name: v.token_query.trim() },
    token_origins: v.token_origins.split(/[\s,]+/).filter((o) => o !== ""),
    issuer: v.issuer,
    authorization_response_iss: v.authorization_response_iss,
  };
  // Secrets leave the form only when typed; an empty box keeps the stored one.
  if (v.client_secret !== "") input.client_secret = v.client_secret;
  if (v.api_key !== "" && v.auth_kind === "api_key") input.api_key = v.api_key;
  return input;
}

/** The warning shown beside the PKCE field when it is not S256 (a person's explicit choice). */
export function pkceWarning(pkce: string): string | undefined {
  if (pkce === "plain") {
    return "Warning: plain PKCE puts the verifier itself in the login link, so it protects little. Use S256 unless the provider rejects it.";
  }
  if (pkce === "off") {
    return "Warning: without PKCE a stolen authorization code can be redeemed, and a pasted code without its state is refused. Use S256 unless the provider rejects it.";
  }
  return undefined;
}

/** What Discover filled in, said beside the issuer field. */
export function describeDiscovery(filled: ServiceInput): string {
  const found = [
    filled.authorize_url ? "authorize" : null,
    filled.token_url ? "token" : null,
    filled.revocation_url ? "revocation" : null,
    filled.device_url ? "device" : null,
  ].filter((x): x is string => x !== null);
  const endpoints =
    found.length > 1 ? `${found.slice(0, -1).join(", ")} and ${found[found.length - 1]} endpoints` : `${found[0] ?? "no"} endpoint`;
  const scopes = filled.scopes.trim() ? `; scopes ${filled.scopes.trim()}` : "";
  return `Filled the ${endpoints} from ${filled.issuer ?? "the issuer"}${scopes}. Check them below.`;
}

/** The scopes in `scopes` (split on `separator` or spaces). */
export function scopeList(scopes: string, separator: string): string[] {
  return scopes
    .split(separator.trim() === "" ? /\s+/ : new RegExp(`[\\s${separator.replace(/[-\\^\]]/g, "\\$&")}]+`))
    .filter((s) => s !== "");
}

/** `scopes` with `scope` added, or removed when it is there. */
export function toggleScope(scopes: string, separator: string, scope: string): string {
  const list = scopeList(scopes, separator);
  const next = list.includes(scope) ? list.filter((s) => s !== scope) : [...list, scope];
  return next.join(separator === "" ? " " : separator);
}
