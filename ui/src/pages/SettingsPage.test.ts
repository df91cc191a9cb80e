import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LANGUAGE_STORAGE_KEY } from "../lib/i18n/language";
import type { GraphSyncStatus } from "../lib/ipc/api";
import { choose, get, render, settle } from "../test/dom";
import SettingsPage from "./SettingsPage.svelte";

// The Microsoft 365 section's calls; its own tests (src/lib/settings) cover what it does.
const api = vi.hoisted(() => ({
  mailAccounts: vi.fn(),
  calendarSyncStatus: vi.fn(),
  contactsSyncStatus: vi.fn(),
}));
vi.mock("../lib/ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../lib/ipc/api")>()),
  api,
  onGraphSyncActivity: vi.fn(() => Promise.resolve(() => undefined)),
}));

const OFF: GraphSyncStatus = {
  enabled: false,
  account: null,
  container: null,
  last_synced_at: null,
  last_error: null,
  disabled_reason: null,
  synced: 0,
  conflicts: [],
};

beforeEach(() => {
  api.mailAccounts.mockReset().mockResolvedValue([]);
  api.calendarSyncStatus.mockReset().mockResolvedValue(OFF);
  api.contactsSyncStatus.mockReset().mockResolvedValue(OFF);
});

// jsdom: nothing saved and an en-US browser, so the page starts in English on System default.
afterEach(() => localStorage.clear());

function open() {
  const reload = vi.fn();
  const root = render(SettingsPage, { reload });
  return { root, reload, select: get<HTMLSelectElement>(root, '[data-testid="settings-language"]') };
}

describe("Settings: language", () => {
  it("offers System default and each language named in itself, with System default selected", () => {
    const { root, select } = open();
    expect(get(root, "h1").textContent).toBe("Settings");
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([
      ["system", "System default"],
      ["en", "English"],
      ["zh", "简体中文"],
      ["pl", "Polski"],
    ]);
    expect(select.value).toBe("system");
    expect(get(root, `label[for="${select.id}"]`).textContent).toBe("Language");
  });

  it("says what System default means on this computer, and how dates look in which zone", () => {
    const { root } = open();
    expect(get(root, '[data-testid="settings-system-language"]').textContent).toBe(
      "On this computer, System default means English.",
    );
    const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(get(root, '[data-testid="settings-dates"]').textContent).toContain(`(${zone})`);
  });

  it("saves a new language and reloads the window to show it", () => {
    const { select, reload } = open();
    choose(select, "pl");
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe("pl");
    expect(reload).toHaveBeenCalledOnce();
  });

  it("saves without reloading when the language shown stays the same", () => {
    const { select, reload } = open();
    choose(select, "en");
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe("en");
    expect(reload).not.toHaveBeenCalled();

    // Back to System default on a computer whose language has since become Polish.
    vi.spyOn(navigator, "languages", "get").mockReturnValue(["pl-PL"]);
    choose(select, "system");
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe("system");
    expect(reload).toHaveBeenCalledOnce();
  });

  it("says so, and does not reload, when the choice cannot be saved", () => {
    vi.spyOn(Storage.prototype, "setItem").mockImplementation(() => {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    });
    const { root, select, reload } = open();
    choose(select, "zh");
    expect(reload).not.toHaveBeenCalled();
    expect(get(root, '[data-testid="error-banner"]').textContent).toContain(
      "The language could not be saved: The quota has been exceeded.",
    );
  });
});

describe("Settings: Microsoft 365", () => {
  it("shows the calendar and contacts sync below the language setting", async () => {
    const { root, select } = open();
    await settle();
    const section = get(root, '[data-testid="microsoft365"]');
    expect(select.compareDocumentPosition(section) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(get(section, "h2").textContent).toBe("Microsoft 365");
    expect(get(section, '[data-testid="sync-calendar"] h3').textContent).toBe("Calendar");
    expect(get(section, '[data-testid="sync-contacts"] h3').textContent).toBe("Contacts");
    expect(api.calendarSyncStatus).toHaveBeenCalledOnce();
    expect(api.contactsSyncStatus).toHaveBeenCalledOnce();
  });
});
