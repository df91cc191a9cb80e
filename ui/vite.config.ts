import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vitest/config";

export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  // Tauri loads dist/ from its own origin, so asset URLs must be relative-safe.
  base: "./",
  // Vitest resolves packages for Node by default; Svelte's server build cannot mount components.
  resolve: mode === "test" ? { conditions: ["browser"] } : undefined,
  esbuild: {
    // The generated bindings import tauri-specta's event helpers and a type-only WebviewWindow
    // import; with verbatim module syntax esbuild keeps them as side-effect imports, and ~20 kB
    // of unused webview/window/event code lands in the bundle. Our own code uses `import type`
    // (checked by svelte-check with verbatimModuleSyntax on), so dropping unused imports here is safe.
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: false } },
  },
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The window's CSP is `default-src 'self'` with `font-src 'self'`: a data: URI for an inlined
    // font or icon would be blocked, so every asset stays a file.
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    sourcemap: false,
    target: "es2022",
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    setupFiles: ["src/test/setup.ts"],
    restoreMocks: true,
  },
}));
