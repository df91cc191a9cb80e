import { beforeEach, describe, expect, it, vi } from "vitest";
import { choose, get, render, settle, type } from "./test/dom";
import type { RecordSummary, SessionStatus } from "./lib/ipc/api";
import App from "./App.svelte";

const api = vi.hoisted(() => ({
  sessionStatus: vi.fn(),
  searchRecords: vi.fn(),
  getRecord: vi.fn(),
  // The Email tab, the first page after unlocking: no accounts yet.
  mailAccounts: vi.fn(() => Promise.resolve([])),
  mailThreads: vi.fn(() => Promise.resolve({ threads: [], next: null })),
  sendingAccounts: vi.fn(() => Promise.resolve([])),
  listTemplates: vi.fn(() => Promise.resolve([])),
}));
vi.mock("./lib/ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("./lib/ipc/api")>()),
  api,
}));

async function start(status: SessionStatus, hash = "") {
  api.sessionStatus.mockResolvedValue(status);
  window.location.hash = hash;
  const root = render(App, {});
  await settle();
  return root;
}

beforeEach(() => {
  api.sessionStatus.mockReset();
  api.searchRecords.mockReset();
  api.getRecord.mockReset();
});

describe("App start-up", () => {
  it("shows the app with the sidebar hooks once the database is ready", async () => {
    const root = await start({ state: "ready", data_dir: "/d", key_source: "keyring" });

    get(root, '[data-testid="app-ready"]');
    for (const id of ["nav-email", "nav-calendar", "nav-candidates", "nav-contacts", "nav-jobs", "nav-clients"]) {
      expect(root.querySelector(`[data-testid="${id}"]`), id).not.toBeNull();
    }
    expect(get(root, '[data-testid="nav-jobs"]').getAttribute("href")).toBe("#/jobs");
    expect(get(root, '[data-testid="nav-calendar"]').getAttribute("href")).toBe("#/calendar");
    expect(root.textContent, "the Email tab is the start page").toContain("No mail accounts yet");
  });

  it("shows the lock screen, not the app, while the database is locked", async () => {
    const root = await start({
      state: "locked",
      data_dir: "/d",
      new_database: true,
      reason: { code: "keyring_unavailable", message: "No keyring.", field: null },
    });
    expect(root.querySelector('[data-testid="app-ready"]')).toBeNull();
    get(root, '[name="passphrase_confirm"]');
  });

  it("shows why the database failed to open and where it is", async () => {
    const root = await start({
      state: "failed",
      data_dir: "/home/r/.local/share/candor",
      error: { code: "newer_schema", message: "This database was written by a newer Candor.", field: null },
    });
    expect(root.textContent).toContain("This database was written by a newer Candor.");
    expect(root.textContent).toContain("/home/r/.local/share/candor");
    expect(root.querySelector('[data-testid="app-ready"]')).toBeNull();
  });

  it("shows a failure, not a blank window, when the core cannot be reached at all", async () => {
    api.sessionStatus.mockRejectedValue(new TypeError("window.__TAURI_INTERNALS__ is undefined"));
    const root = render(App, {});
    await settle();
    expect(root.textContent).toContain("__TAURI_INTERNALS__");
  });

  it("opens Settings from the sidebar, highlighted while it is shown", async () => {
    const root = await start({ state: "ready", data_dir: "/d", key_source: "keyring" }, "#/settings");
    const link = get(root, '[data-testid="nav-settings"]');
    expect(link.getAttribute("href")).toBe("#/settings");
    expect(link.getAttribute("aria-current")).toBe("page");
    expect(get(root, "h1").textContent).toBe("Settings");
    get(root, '[data-testid="settings-language"]');
    expect(document.title).toBe("Settings · Candor");
  });
});

describe("record list page", () => {
  const page = (records: RecordSummary[], total = records.length) => ({ records, total });

  it("lists records in the core's order as links to their pages", async () => {
    api.searchRecords.mockResolvedValue(
      page([
        { id: 2, kind: "candidate", display_name: "Newer Person", detail: null, updated_at: 200 },
        { id: 1, kind: "candidate", display_name: "Older Person", detail: "Analyst", updated_at: 100 },
      ]),
    );
    const root = await start({ state: "ready", data_dir: "/d", key_source: "keyring" }, "#/candidates");

    expect(api.searchRecords).toHaveBeenCalledWith("candidate", {
      text: null,
      sort: "updated",
      job_status: null,
      imported: null,
      limit: 500,
    });
    const rows = [...root.querySelectorAll('[data-testid="record-row"]')];
    expect(rows.map((r) => r.querySelector(".name")?.textContent)).toEqual(["Newer Person", "Older Person"]);
    expect(rows[0]?.getAttribute("href")).toBe("#/candidates/2");
    expect(get(root, '[data-testid="new-record"]').textContent).toContain("New candidate");
  });

  it("searches as the user types, keeps the latest answer, and says when nothing matches", async () => {
    api.searchRecords.mockResolvedValue(
      page([{ id: 1, kind: "candidate", display_name: "Łukasz Nowak", detail: null, updated_at: 1 }]),
    );
    const root = await start({ state: "ready", data_dir: "/d", key_source: "keyring" }, "#/candidates");
    api.searchRecords.mockResolvedValue(page([]));
    type(get<HTMLInputElement>(root, '[data-testid="record-search"]'), "zzz");
    await new Promise((resolve) => setTimeout(resolve, 200));
    await settle();
    expect(api.searchRecords).toHaveBeenLastCalledWith("candidate", expect.objectContaining({ text: "zzz" }));
    expect(get(root, '[data-testid="no-match"]').textContent).toContain("No records match");
    expect(root.querySelector('[data-testid="empty-list"]'), "not the first-run empty state").toBeNull();
  });

  it("filters candidates to those an import created, to review it", async () => {
    api.searchRecords.mockResolvedValue(
      page([{ id: 1, kind: "candidate", display_name: "Ada", detail: null, updated_at: 1 }]),
    );
    const root = await start({ state: "ready", data_dir: "/d", key_source: "keyring" }, "#/candidates");
    choose(get<HTMLSelectElement>(root, "select[name=origin]"), "imported");
    await settle();
    expect(api.searchRecords).toHaveBeenLastCalledWith("candidate", expect.objectContaining({ imported: true }));
    choose(get<HTMLSelectElement>(root, "select[name=origin]"), "by_hand");
    await settle();
    expect(api.searchRecords).toHaveBeenLastCalledWith("candidate", expect.objectContaining({ imported: false }));
  });

  it("says how many of how many are shown when the list is cut", async () => {
    api.searchRecords.mockResolvedValue(
      page([{ id: 1, kind: "client", display_name: "Acme", detail: null, updated_at: 1 }], 9_000),
    );
    const root = await start({ state: "ready", data_dir: "/d", key_source: "keyring" }, "#/clients");
    expect(get(root, '[data-testid="record-count"]').textContent).toContain("1 of 9000 records shown");
  });

  it("offers Import on the candidates and contacts lists only, opening the import page", async () => {
    api.searchRecords.mockResolvedValue(page([]));
    const root = await start({ state: "ready", data_dir: "/d", key_source: "keyring" }, "#/contacts");
    expect(get(root, '[data-testid="import-records"]').getAttribute("href")).toBe("#/contacts/import");

    window.location.hash = "#/contacts/import";
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    await settle();
    expect(get(root, "h1").textContent).toBe("Import contacts");
    get(root, '[data-testid="import-file"]');

    window.location.hash = "#/jobs";
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    await settle();
    expect(root.querySelector('[data-testid="import-records"]'), "job openings are not imported").toBeNull();
  });

  it("shows the empty state when there are none", async () => {
    api.searchRecords.mockResolvedValue(page([]));
    const root = await start({ state: "ready", data_dir: "/d", key_source: "keyring" }, "#/clients");
    expect(get(root, '[data-testid="empty-list"]').textContent).toContain("No clients yet");
  });
});
