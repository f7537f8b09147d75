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
    // One stylesheet, in the order the eager bundle had: some rules are
    // global, and a chunk's styles arriving later would reorder the cascade.
    cssCodeSplit: false,
  },
  server: { port: 1420, strictPort: true },
});
