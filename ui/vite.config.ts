import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// Plain Vite, no SvelteKit: Tauri serves the built files from ui/dist.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  build: {
    target: "safari16",
    outDir: "dist",
    emptyOutDir: true,
    // One stylesheet, loaded at start, though screens load on first use:
    // some component rules are global (the service form's `.btn.small`
    // styles every small button), and styles arriving with a screen's chunk
    // would change other screens' look, and only once that screen opened.
    cssCodeSplit: false,
  },
  server: { port: 1420, strictPort: true },
});
