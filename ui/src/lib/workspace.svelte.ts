// Shared screen state: the services in the sidebar, their users, and what the
// main area shows. Data comes from src/api; nothing here talks to Tauri.
import {
  listServices,
  listVariables,
  listUsers,
  type ApiError,
  type ExtractedValue,
  type Received,
  type RequestSpec,
  type SavedRequest,
  type SendOutcome,
  type Service,
  type User,
  type Variable,
} from "../api";
import type { RequestDraft } from "./request/requestDraft";

export type View =
  | { kind: "home" }
  | { kind: "new-service" }
  | { kind: "service"; slug: string }
  | { kind: "edit-service"; slug: string }
  | { kind: "duplicate-service"; slug: string }
  | { kind: "history" }
  | { kind: "variables" }
  | { kind: "settings" };

export const workspace = $state({
  services: [] as Service[],
  users: {} as Record<string, User[]>,
  view: { kind: "home" } as View,
  loaded: false,
});

/** Reloads every service and its users (small lists; one call each). */
export async function reloadWorkspace(): Promise<void> {
  const services = await listServices();
  const pairs = await Promise.all(services.map(async (s) => [s.slug, await listUsers(s.slug)] as const));
  workspace.services = services;
  workspace.users = Object.fromEntries(pairs);
  workspace.loaded = true;
  const view = workspace.view;
  if ((view.kind === "service" || view.kind === "edit-service") && !services.some((s) => s.slug === view.slug)) {
    workspace.view = { kind: "home" };
  }
}

export function show(view: View): void {
  workspace.view = view;
}

/** The tab each service showed last, so coming back (from Edit, History or
 *  another service) returns to it. */
export const serviceTabs: Record<string, "request" | "settings"> = $state({});

/** A request to load into a service's builder (from history), taken once. */
export const pendingDraft = $state({ slug: "", spec: null as RequestSpec | null, user: "" });

/** Each service's request draft and last answer, kept across views. */
export const drafts: Record<string, RequestDraft> = $state({});
export const answers: Record<
  string,
  {
    outcome: SendOutcome | null;
    error: ApiError | null;
    extracted: ExtractedValue[];
    /** The user the request went out as; null: without a token. */
    sentAs: string | null;
  }
> = $state({});
/** When each service's request in flight was sent (unix ms); absent: none. */
export const sending: Record<string, number> = $state({});
/** The id of each service's request in flight, to match its progress reports. */
export const sendingId: Record<string, string> = $state({});
/** How much of each answer in flight has arrived, by send id. */
export const receiving: Record<string, Received> = $state({});
/** The saved request each service's builder was loaded from, if any. */
export const activeSaved: Record<string, SavedRequest | null> = $state({});
/** Where the local API serves, for the status bar (null: off). */
export const localApi = $state({ servingAt: null as string | null });

/** Bumped when another process (or this one) adds to history: views that list it reload. */
export const changes = $state({ history: 0 });

/** Every variable of every scope (secret ones without their value), for the builder and the Variables view. */
export const variables = $state({ all: [] as Variable[], loaded: false });

export async function reloadVariables(): Promise<void> {
  variables.all = await listVariables(null);
  variables.loaded = true;
}
