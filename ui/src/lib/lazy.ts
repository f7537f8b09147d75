// Screens and panels that are not on the window while a service sits open
// load on first use: until then their code is neither fetched nor parsed,
// and the web process does not keep it. Each loader hands back the same
// promise every time, so a screen opened again shows at once; a failed load
// is tried afresh next time.

/** Wraps a dynamic `import()` so it runs once, on first call. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    }));
}

export const serviceForm = once(() => import("./ServiceForm.svelte"));
export const serviceDetail = once(() => import("./ServiceDetail.svelte"));
export const historyView = once(() => import("./HistoryView.svelte"));
export const variablesView = once(() => import("./variables/VariablesView.svelte"));
export const settingsView = once(() => import("./SettingsView.svelte"));
export const noKeyringNotice = once(() => import("./NoKeyringNotice.svelte"));
export const importDialog = once(() => import("./ImportDialog.svelte"));
export const jsonTree = once(() => import("./explorer/JsonTree.svelte"));
export const pagedList = once(() => import("./explorer/PagedList.svelte"));
export const jsonEditor = once(() => import("./request/JsonEditor.svelte"));
