// The only module that talks to Tauri. Screens import typed functions from here.
import { invoke } from "@tauri-apps/api/core";
import { writeText } from "@tauri-apps/plugin-clipboard-manager";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { openUrl } from "@tauri-apps/plugin-opener";
import type { AuthEvent } from "./bindings/AuthEvent";
import type { BodyRow } from "./bindings/BodyRow";
import type { ChildPage } from "./bindings/ChildPage";
import type { DiscoveryFill } from "./bindings/DiscoveryFill";
import type { ApiImportFill } from "./bindings/ApiImportFill";
import type { Operation } from "./bindings/Operation";
import type { OperationSummary } from "./bindings/OperationSummary";
import type { OperationsChange } from "./bindings/OperationsChange";
import type { Variable } from "./bindings/Variable";
import type { FindPage } from "./bindings/FindPage";
import type { HistoryEntry } from "./bindings/HistoryEntry";
import type { HistoryFilter } from "./bindings/HistoryFilter";
import type { HistoryPage } from "./bindings/HistoryPage";
import type { PathQueryPage } from "./bindings/PathQueryPage";
import type { RequestSpec } from "./bindings/RequestSpec";
import type { SearchQuery } from "./bindings/SearchQuery";
import type { SearchResult } from "./bindings/SearchResult";
import type { SendInput } from "./bindings/SendInput";
import type { SendOutcome } from "./bindings/SendOutcome";
import type { SendProgress } from "./bindings/SendProgress";
import type { ExtractedValue } from "./bindings/ExtractedValue";
import type { Extractor } from "./bindings/Extractor";
import type { SavedRequest } from "./bindings/SavedRequest";
import type { LocalApiSettings } from "./bindings/LocalApiSettings";
import type { LocalApiStatus } from "./bindings/LocalApiStatus";
import type { RevealedApiKey } from "./bindings/RevealedApiKey";
import type { SavedRequestInput } from "./bindings/SavedRequestInput";
import type { DevicePrompt } from "./bindings/DevicePrompt";
import type { StartedLogin } from "./bindings/StartedLogin";
import type { ModelChanged } from "./bindings/ModelChanged";
import type { AppInfo } from "./bindings/AppInfo";
import type { Preset } from "./bindings/Preset";
import type { RemovedService } from "./bindings/RemovedService";
import type { Service } from "./bindings/Service";
import type { ServiceDefaults } from "./bindings/ServiceDefaults";
import type { ServiceInput } from "./bindings/ServiceInput";
import type { SignOut } from "./bindings/SignOut";
import type { User } from "./bindings/User";
import type { UserInput } from "./bindings/UserInput";
import { toApiError, type ApiError } from "./errors";

export type { AppInfo } from "./bindings/AppInfo";
export type { ApiImportFill } from "./bindings/ApiImportFill";
export type { Operation } from "./bindings/Operation";
export type { OperationParameter } from "./bindings/OperationParameter";
export type { OperationSummary } from "./bindings/OperationSummary";
export type { OperationsChange } from "./bindings/OperationsChange";
export type { Variable } from "./bindings/Variable";
export type { AuthEvent } from "./bindings/AuthEvent";
export type { BodyRow } from "./bindings/BodyRow";
export type { ChildPage } from "./bindings/ChildPage";
export type { DocumentInfo } from "./bindings/DocumentInfo";
export type { FindPage } from "./bindings/FindPage";
export type { KeyMatch } from "./bindings/KeyMatch";
export type { HistoryEntry } from "./bindings/HistoryEntry";
export type { HistoryFilter } from "./bindings/HistoryFilter";
export type { HistoryPage } from "./bindings/HistoryPage";
export type { HistorySummary } from "./bindings/HistorySummary";
export type { HttpResponse } from "./bindings/HttpResponse";
export type { JsonNode } from "./bindings/JsonNode";
export type { PathQueryPage } from "./bindings/PathQueryPage";
export type { PathHit } from "./bindings/PathHit";
export type { RequestBody } from "./bindings/RequestBody";
export type { RequestSpec } from "./bindings/RequestSpec";
export type { RowType } from "./bindings/RowType";
export type { SearchHit } from "./bindings/SearchHit";
export type { SearchResult } from "./bindings/SearchResult";
export type { SendInput } from "./bindings/SendInput";
export type { SendOutcome } from "./bindings/SendOutcome";
export type { SendProgress } from "./bindings/SendProgress";
export type { Received } from "./bindings/Received";
export type { SignOut } from "./bindings/SignOut";
export type { ExtractedValue } from "./bindings/ExtractedValue";
export type { Extractor } from "./bindings/Extractor";
export type { SavedRequest } from "./bindings/SavedRequest";
export type { LocalApiSettings } from "./bindings/LocalApiSettings";
export type { LocalApiStatus } from "./bindings/LocalApiStatus";
export type { RevealedApiKey } from "./bindings/RevealedApiKey";
export type { DevicePrompt } from "./bindings/DevicePrompt";
export type { LoginLink } from "./bindings/LoginLink";
export type { StartedLogin } from "./bindings/StartedLogin";
export type { ModelChanged } from "./bindings/ModelChanged";
export type { ModelKind } from "./bindings/ModelKind";
export type { AuthKind } from "./bindings/AuthKind";
export type { ClientAuth } from "./bindings/ClientAuth";
export type { ErrorCode } from "./bindings/ErrorCode";
export type { FieldError } from "./bindings/FieldError";
export type { KeyringState } from "./bindings/KeyringState";
export type { KeyringStatus } from "./bindings/KeyringStatus";
export type { Param } from "./bindings/Param";
export type { PkceMode } from "./bindings/PkceMode";
export type { Preset } from "./bindings/Preset";
export type { RemovedService } from "./bindings/RemovedService";
export type { Service } from "./bindings/Service";
export type { ServiceDefaults } from "./bindings/ServiceDefaults";
export type { ServiceInput } from "./bindings/ServiceInput";
export type { TokenPlacement } from "./bindings/TokenPlacement";
export type { User } from "./bindings/User";
export type { UserInput } from "./bindings/UserInput";
export type { UserStatus } from "./bindings/UserStatus";
export { ApiError, toApiError } from "./errors";

const keyringFailureListeners = new Set<(error: ApiError) => void>();

/**
 * Calls `listener` whenever a command fails because the keyring refused or
 * could not be reached, so the status bar shows the last real operation,
 * not only the last probe. Returns the unsubscribe function.
 */
export function onKeyringFailure(listener: (error: ApiError) => void): () => void {
  keyringFailureListeners.add(listener);
  return () => keyringFailureListeners.delete(listener);
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    const error = toApiError(raw);
    if (error.code === "keyring_unavailable") keyringFailureListeners.forEach((listener) => listener(error));
    throw error;
  }
}

export const appInfo = (): Promise<AppInfo> => call("app_info");
/** Keeps the data key in a file (mode 0600) instead of the OS keyring, from now on; returns its path. */
export const useKeyFile = (): Promise<string> => call("use_key_file");

export const listPresets = (): Promise<Preset[]> => call("list_presets");
/** A new-service form pre-filled from a preset (or empty for `null`). */
/** What a service gets for fields left empty (the redirect URI), from Rust. */
export const serviceDefaults = (): Promise<ServiceDefaults> => call("service_defaults");
export const serviceDraft = (preset: string | null, slug: string): Promise<ServiceInput> =>
  call("service_draft", { preset, slug });
/**
 * Fills `input`'s endpoints from the issuer's RFC 8414 / OIDC discovery
 * document (and an empty name and scopes), with the scopes it supports.
 */
export const discoverInto = (issuer: string, input: ServiceInput): Promise<DiscoveryFill> =>
  call("discover_into", { issuer, input });

/**
 * Fills `input` from an OpenAPI / Swagger document (a file path or an
 * http(s) URL): name, endpoints, scopes, API base URL.
 */
export const importApiInto = (source: string, input: ServiceInput): Promise<ApiImportFill> =>
  call("import_api_into", { source, input });
/** Creates the service with the operations of the document at `source`. */
export const createServiceFromApi = (input: ServiceInput, source: string): Promise<Service> =>
  call("create_service_from_api", { input, source });
export const listOperations = (service: string): Promise<OperationSummary[]> => call("list_operations", { service });
/** One operation by operationId or `METHOD /path`, with its schemas. */
export const operation = (service: string, key: string): Promise<Operation> => call("operation", { service, key });
/** Reads the service's API description again from `source` and replaces its operations (a bad document changes nothing). */
export const updateOperationsFrom = (service: string, source: string): Promise<OperationsChange> =>
  call("update_operations_from", { service, source });

/** `null`: every variable of every scope; a slug: that service's and the global ones. Secret values never come back. */
export const listVariables = (service: string | null): Promise<Variable[]> => call("list_variables", { service });
export const setVariable = (service: string | null, name: string, value: string, secret: boolean): Promise<Variable> =>
  call("set_variable", { service, name, value, secret });
export const unsetVariable = (service: string | null, name: string): Promise<void> =>
  call("unset_variable", { service, name });
/** Stores the value at `path` of a response document (a string as it is, else JSON). */
export const saveValueToVariable = (doc: string, path: string, service: string | null, name: string): Promise<Variable> =>
  call("save_value_to_variable", { doc, path, service, name });

export const listServices = (): Promise<Service[]> => call("list_services");
export const createService = (input: ServiceInput): Promise<Service> => call("create_service", { input });
export const updateService = (slug: string, input: ServiceInput): Promise<Service> =>
  call("update_service", { slug, input });
/** The input that recreates a stored service: an edit form's starting point. */
export const serviceInput = (slug: string): Promise<ServiceInput> => call("service_input", { slug });
export const removeService = (slug: string, force: boolean): Promise<RemovedService> =>
  call("remove_service", { slug, force });

/** Services as an export document (no secrets). */
export const exportServices = (slugs: string[]): Promise<string> => call("export_services", { slugs });
/** Imports every service of an export document, or none. */
export const importServices = (text: string): Promise<Service[]> => call("import_services", { text });

export const listUsers = (service: string): Promise<User[]> => call("list_users", { service });
/** Who a new request goes out as: the last authorized user used, else the first authorized (null: none). */
export const defaultUser = (service: string): Promise<string | null> => call("default_user", { service });
export const addUser = (service: string, input: UserInput): Promise<User> => call("add_user", { service, input });
export const removeUser = (service: string, externalId: string): Promise<User> =>
  call("remove_user", { service, externalId });

/** Opens the provider's login page and waits for the redirect in the background. */
export const startAuthorization = (service: string, user: string): Promise<StartedLogin> =>
  call("start_authorization", { service, user });
export const cancelAuthorization = (service: string, user: string): Promise<boolean> =>
  call("cancel_authorization", { service, user });
/** Finishes a login from a pasted redirect URL or bare code. */
export const completePasted = (service: string, user: string, text: string): Promise<User> =>
  call("complete_pasted", { service, user, text });
export const startDeviceAuthorization = (service: string, user: string): Promise<DevicePrompt> =>
  call("start_device_authorization", { service, user });
export const refreshUser = (service: string, user: string): Promise<User> => call("refresh_user", { service, user });
/** Says whether the provider was told, not only that the local tokens are gone. */
export const signOut = (service: string, user: string, force: boolean): Promise<SignOut> =>
  call("sign_out", { service, user, force });

/** Authorization results and user status changes, pushed from Rust. */
export async function onAuthEvents(handler: (event: AuthEvent) => void): Promise<UnlistenFn> {
  const names = ["authorization-succeeded", "authorization-failed", "user-status-changed"];
  const stops = await Promise.all(names.map((name) => listen<AuthEvent>(name, (e) => handler(e.payload))));
  return () => stops.forEach((stop) => stop());
}

/** Changes to the database made anywhere (the CLI, the local API, a refresh), pushed from Rust. */
/** How much of each answer in flight has arrived, about ten times a second while it downloads. */
export async function onSendProgress(handler: (event: SendProgress) => void): Promise<UnlistenFn> {
  return listen<SendProgress>("send-progress", (e) => handler(e.payload));
}

export async function onModelChanged(handler: (event: ModelChanged) => void): Promise<UnlistenFn> {
  return listen<ModelChanged>("model-changed", (e) => handler(e.payload));
}

/** Sends as the chosen user; `sendId` lets `cancelRequest` stop it. */
export const sendRequest = (sendId: string, input: SendInput): Promise<SendOutcome> =>
  call("send_request", { sendId, input });
export const cancelRequest = (sendId: string): Promise<boolean> => call("cancel_request", { sendId });
export const curlCommand = (input: SendInput): Promise<string> => call("curl_command", { input });
export const importCurl = (text: string): Promise<RequestSpec> => call("import_curl", { text });

export const jsonChildren = (doc: string, path: string, offset: number, limit: number): Promise<ChildPage> =>
  call("json_children", { doc, path, offset, limit });
export const jsonValue = (doc: string, path: string): Promise<unknown> => call("json_value", { doc, path });
/** Matches `offset..offset+limit` of a find (the backend caps a page), and the count of all. */
export const jsonFindKey = (doc: string, key: string, caseInsensitive: boolean, offset: number, limit: number): Promise<FindPage> =>
  call("json_find_key", { doc, key, caseInsensitive, offset, limit });
/** Matches `offset..offset+limit` of a JSONPath query (the backend caps a page), and the count of all. */
export const jsonQueryPath = (doc: string, expression: string, offset: number, limit: number): Promise<PathQueryPage> =>
  call("json_query_path", { doc, expression, offset, limit });
export const jsonSearch = (doc: string, query: SearchQuery): Promise<SearchResult> => call("json_search", { doc, query });
/** The containers to expand to show the node at `path`, outermost first. */
export const jsonAncestors = (path: string): Promise<string[]> => call("json_ancestors", { path });
export const rowsToJsonText = (root: BodyRow): Promise<string> => call("rows_to_json_text", { root });
/** JSON text as form rows; with the operation's body `schema`, each row is typed by it (Rust decides). */
export const jsonTextToRows = (text: string, schema: unknown = null): Promise<BodyRow> =>
  call("json_text_to_rows", { text, schema });

export const listSavedRequests = (service: string): Promise<SavedRequest[]> => call("list_saved_requests", { service });
export const saveRequest = (service: string, input: SavedRequestInput, replace: boolean): Promise<SavedRequest> =>
  call("save_request", { service, input, replace });
export const deleteSavedRequest = (service: string, name: string): Promise<void> =>
  call("delete_saved_request", { service, name });
/** If the answer kept as `doc` was a 2xx, values of extractors that name a variable are stored in it (as `--set` does). */
export const runExtractors = (doc: string, service: string, extractors: Extractor[]): Promise<ExtractedValue[]> =>
  call("run_extractors", { doc, service, extractors });

export const localApiStatus = (): Promise<LocalApiStatus> => call("local_api_status");
/** Turns the local API on or off; the first time on, the new key comes back once. */
export const setLocalApi = (settings: LocalApiSettings): Promise<[LocalApiStatus, RevealedApiKey | null]> =>
  call("set_local_api", { settings });
export const rotateApiKey = (): Promise<RevealedApiKey> => call("rotate_api_key");

export const listHistory = (filter: HistoryFilter): Promise<HistoryPage> => call("list_history", { filter });
export const historyEntry = (id: number): Promise<HistoryEntry> => call("history_entry", { id });
export const deleteHistory = (id: number): Promise<void> => call("delete_history", { id });
export const clearHistory = (service: string | null): Promise<number> => call("clear_history", { service });

export async function copyText(text: string): Promise<void> {
  try {
    await writeText(text);
  } catch (raw) {
    throw toApiError(raw);
  }
}

export async function openInBrowser(url: string): Promise<void> {
  try {
    await openUrl(url);
  } catch (raw) {
    throw toApiError(raw);
  }
}
