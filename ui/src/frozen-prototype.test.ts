// Tauri's `freezePrototype: true` (tauri.conf.json) freezes Object.prototype before any page
// script runs. Code that assigns e.g. `obj.toString = ...` on a plain object then throws in
// strict mode and the window stays blank, so the whole app, the generated bindings and
// @tauri-apps/api included, must start under the same freeze. Vitest runs each test file in
// its own process, so the freeze does not leak into other tests.
import { mockIPC } from "@tauri-apps/api/mocks";
import { expect, it, vi } from "vitest";

it("starts and renders a list with Object.prototype frozen, as in the app window", async () => {
  // Stands in for the Rust side: answers the commands the list page needs.
  mockIPC((cmd) => {
    if (cmd === "session_status") return { state: "ready", data_dir: "/d", key_source: "keyring" };
    if (cmd === "records_search")
      return {
        records: [{ id: 1, kind: "candidate", display_name: "Ada Lovelace", detail: null, updated_at: 1 }],
        total: 1,
      };
    throw { code: "storage", message: `unexpected command ${cmd}`, field: null };
  });
  Object.freeze(Object.prototype);
  window.location.hash = "#/candidates";
  document.body.innerHTML = '<div id="app"></div>';

  await import("./main");
  await vi.waitFor(
    () => {
      expect(document.querySelector('[data-testid="record-row"]')?.textContent).toContain("Ada Lovelace");
    },
    { timeout: 10_000 },
  );
  expect(Object.isFrozen(Object.prototype), "the freeze was in force throughout").toBe(true);
  // Importing ./main compiles the whole app on the fly (about 5 s on a two-core machine), which
  // is past Vitest's default 5 s; and a test that times out with Object.prototype frozen hangs
  // the worker instead of failing (Vitest cannot build its timeout error), so the budget is wide.
}, 60_000);
