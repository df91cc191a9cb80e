// The window's language is declared on <html> at start-up, from the same choice as `t`.
import { mockIPC } from "@tauri-apps/api/mocks";
import { expect, it, vi } from "vitest";
import { LANGUAGE_STORAGE_KEY } from "./lib/i18n/language";

it("sets <html lang> to the UI language and shows the UI in it", async () => {
  mockIPC((cmd) => {
    if (cmd === "session_status")
      return { state: "failed", data_dir: "/d", error: { code: "storage", message: "Disk full.", field: null } };
    throw { code: "storage", message: `unexpected command ${cmd}`, field: null };
  });
  localStorage.setItem(LANGUAGE_STORAGE_KEY, "zh");
  document.body.innerHTML = '<div id="app"></div>';

  await import("./main");
  expect(document.documentElement.lang).toBe("zh-CN");
  await vi.waitFor(() => expect(document.body.textContent).toContain("Candor 无法打开其数据库"));
}, 20_000);
