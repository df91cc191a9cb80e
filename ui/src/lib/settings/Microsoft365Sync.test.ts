import { beforeEach, describe, expect, it, vi } from "vitest";
import { choose, click, get, render, settle } from "../../test/dom";
import { formatDateTime } from "../format";
import type {
  CalendarSyncReport,
  ContactsReport,
  GraphConflict,
  GraphSyncActivity,
  GraphSyncStatus,
  MailAccount,
} from "../ipc/api";
import Microsoft365Sync from "./Microsoft365Sync.svelte";

const api = vi.hoisted(() => ({
  mailAccounts: vi.fn(),
  calendarSyncStatus: vi.fn(),
  enableCalendarSync: vi.fn(),
  disableCalendarSync: vi.fn(),
  syncCalendarNow: vi.fn(),
  contactsSyncStatus: vi.fn(),
  enableContactsSync: vi.fn(),
  disableContactsSync: vi.fn(),
  syncContactsNow: vi.fn(),
  contactsMapping: vi.fn(),
  setContactsMapping: vi.fn(),
  contactsFields: vi.fn(),
}));
/** The background sync's listener, as the section registered it. */
const listener = vi.hoisted(() => ({ handler: null as ((activity: GraphSyncActivity) => void) | null }));
vi.mock("../ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../ipc/api")>()),
  api,
  onGraphSyncActivity: vi.fn((handler: (activity: GraphSyncActivity) => void) => {
    listener.handler = handler;
    return Promise.resolve(() => undefined);
  }),
}));
const { ApiFailure } = await import("../ipc/api");

function account(name: string, email: string, auth_kind: string, status = "connected"): MailAccount {
  return {
    id: name.length,
    name,
    email_address: email,
    protocol: "imap",
    status,
    last_sync_at: null,
    last_error: null,
    auth_kind,
    signature: null,
    sends: true,
    folders: [],
  };
}
const personal = account("Personal", "me@home.example", "password");
const work = account("Work", "tom@agency.example", "oauth_microsoft");
const recruiting = account("Recruiting", "jobs@agency.example", "oauth_microsoft");

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
function on(container: string, more: Partial<GraphSyncStatus> = {}): GraphSyncStatus {
  return { ...OFF, enabled: true, account: "Work", container, last_synced_at: 1_764_500_000, synced: 12, ...more };
}

const calendarReport: CalendarSyncReport = {
  created_remote: 3,
  updated_remote: 0,
  deleted_remote: 0,
  set_aside: 0,
  pulled: 2,
  deleted_local: 0,
  conflicts: 1,
  full_resync: false,
  requests: 9,
};
const quietContacts: ContactsReport = {
  created_remote: 0,
  updated_remote: 0,
  deleted_remote: 0,
  set_aside: 0,
  pulled: 0,
  unlinked: 0,
  conflicts: 0,
  full_resync: true,
  requests: 2,
};

beforeEach(() => {
  for (const fn of Object.values(api)) fn.mockReset();
  listener.handler = null;
  api.mailAccounts.mockResolvedValue([personal, work]);
  api.calendarSyncStatus.mockResolvedValue(OFF);
  api.contactsSyncStatus.mockResolvedValue(OFF);
});

async function open() {
  const root = render(Microsoft365Sync, {});
  await settle();
  return {
    root,
    calendar: get(root, '[data-testid="sync-calendar"]'),
    contacts: get(root, '[data-testid="sync-contacts"]'),
  };
}

function button(root: ParentNode, text: string): HTMLButtonElement {
  const found = [...root.querySelectorAll("button")].find((b) => b.textContent?.trim() === text);
  if (!found) throw new Error(`no button says ${text}`);
  return found;
}

describe("Microsoft 365 sync: turning it on", () => {
  it("explains beforehand what turning calendar sync on does, then does it with the only Microsoft account", async () => {
    const { root, calendar, contacts } = await open();
    expect(get(root, "h2").textContent).toBe("Microsoft 365");
    expect(get(calendar, "h3").textContent).toBe("Calendar");
    expect(get(contacts, "h3").textContent).toBe("Contacts");
    expect(get(calendar, '[data-testid="sync-state"]').textContent?.trim()).toBe("Off");

    const explained = get(calendar, '[data-testid="sync-explain"]').textContent ?? "";
    expect(explained).toContain('creates a calendar named "Candor" in your Microsoft 365 mailbox');
    expect(explained).toContain("at most 5,000 of your events: future ones first");
    expect(explained).toContain("imported into Candor from a file are not");
    expect(explained).toContain("invited to an interview receive the invitation from Microsoft 365");
    const contactsExplained = get(contacts, '[data-testid="sync-explain"]').textContent ?? "";
    expect(contactsExplained).toContain('creates a contacts folder named "Candor Contacts"');
    expect(contactsExplained).toContain("at most 10,000 contacts");
    expect(contactsExplained).toContain("Contacts imported into Candor from a file are not");
    // The password account cannot sync with Microsoft 365: no choice to make.
    expect(calendar.querySelector("select")).toBeNull();
    expect(calendar.textContent).toContain("Syncs with Work (tom@agency.example).");
    const enable = get(calendar, '[data-testid="sync-enable"]');
    expect(enable.textContent?.trim()).toBe("Turn on calendar sync");
    expect(document.getElementById(enable.getAttribute("aria-describedby") ?? "")).toBe(
      get(calendar, '[data-testid="sync-explain"]'),
    );

    let finish: (report: CalendarSyncReport) => void = () => undefined;
    api.enableCalendarSync.mockImplementation(() => new Promise<CalendarSyncReport>((resolve) => (finish = resolve)));
    api.calendarSyncStatus.mockResolvedValue(on("Candor", { synced: 3 }));
    click(get(calendar, '[data-testid="sync-enable"]'));
    await settle();
    expect(api.enableCalendarSync).toHaveBeenCalledExactlyOnceWith("Work");
    expect(api.enableContactsSync).not.toHaveBeenCalled();
    expect(get(calendar, '[data-testid="sync-progress"]').textContent).toBe("Syncing…");
    expect(get<HTMLButtonElement>(calendar, '[data-testid="sync-enable"]').disabled).toBe(true);

    finish(calendarReport);
    await settle();
    expect(calendar.querySelector('[data-testid="sync-progress"]')).toBeNull();
    const report = get(calendar, '[data-testid="sync-report"]');
    expect(report.getAttribute("role")).toBe("status");
    expect([...report.querySelectorAll("li")].map((li) => li.textContent)).toEqual([
      "Created in Microsoft 365: 3",
      "Brought into Candor from Microsoft 365: 2",
      "Edited in both places, settled (see the conflicts below): 1",
    ]);
    // The card now shows where the sync stands.
    expect(api.calendarSyncStatus).toHaveBeenCalledTimes(2);
    expect(get(calendar, '[data-testid="sync-state"]').textContent?.trim()).toBe("On");
    expect(get(calendar, '[data-testid="sync-on"]').textContent).toBe('On: syncing with the "Candor" calendar of Work.');
    expect(get(calendar, '[data-testid="sync-last"]').textContent).toContain("3 events synced.");
  });

  it("with several Microsoft accounts, turns contacts sync on with the one chosen", async () => {
    api.mailAccounts.mockResolvedValue([work, personal, recruiting]);
    api.enableContactsSync.mockResolvedValue(quietContacts);
    const { contacts } = await open();
    const select = get<HTMLSelectElement>(contacts, 'select[name="contacts-account"]');
    expect(get(contacts, `label[for="${select.id}"]`).textContent).toBe("Microsoft 365 account");
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([
      ["Work", "Work (tom@agency.example)"],
      ["Recruiting", "Recruiting (jobs@agency.example)"],
    ]);
    choose(select, "Recruiting");
    click(get(contacts, '[data-testid="sync-enable"]'));
    await settle();
    expect(api.enableContactsSync).toHaveBeenCalledExactlyOnceWith("Recruiting");
    expect(api.enableCalendarSync).not.toHaveBeenCalled();
    const report = get(contacts, '[data-testid="sync-report"]');
    expect(report.textContent).toContain("Nothing to change: both sides were already in step.");
    expect(get(report, '[data-testid="report-full-resync"]').textContent).toContain("everything was compared again");
  });

  it("without a Microsoft account, says what is needed and links to adding one", async () => {
    api.mailAccounts.mockResolvedValue([personal]);
    const { calendar, contacts } = await open();
    for (const card of [calendar, contacts]) {
      expect(get(card, '[data-testid="sync-needs-account"]').textContent).toContain(
        "Syncing needs a Microsoft 365 mail account in Candor.",
      );
      const link = get<HTMLAnchorElement>(card, '[data-testid="sync-add-account"]');
      expect(link.getAttribute("href")).toBe("#/accounts/new");
      expect(link.textContent).toBe("Add a Microsoft 365 account");
      expect(card.querySelector('[data-testid="sync-enable"]')).toBeNull();
    }
  });

  it("does not turn on with an account that must sign in again, and says where to do that", async () => {
    api.mailAccounts.mockResolvedValue([account("Work", "tom@agency.example", "oauth_microsoft", "needs_sign_in")]);
    const { calendar } = await open();
    const hint = get(calendar, '[data-testid="sync-needs-sign-in"]');
    expect(hint.textContent).toContain("Work needs you to sign in again before it can sync.");
    expect(get(hint, "a").getAttribute("href")).toBe("#/accounts");
    expect(get<HTMLButtonElement>(calendar, '[data-testid="sync-enable"]').disabled).toBe(true);
  });

  it("shows the core's message when turning on fails, and no report", async () => {
    api.enableCalendarSync.mockRejectedValue(
      new ApiFailure("storage", "Microsoft 365 refused the request: the mailbox is not licensed for calendars."),
    );
    const { calendar, contacts } = await open();
    click(get(calendar, '[data-testid="sync-enable"]'));
    await settle();
    expect(get(calendar, '[data-testid="error-banner"]').textContent).toContain(
      "Microsoft 365 refused the request: the mailbox is not licensed for calendars.",
    );
    expect(contacts.querySelector('[data-testid="error-banner"]')).toBeNull();
    expect(calendar.querySelector('[data-testid="sync-report"]')).toBeNull();
    expect(calendar.querySelector('[data-testid="sync-progress"]')).toBeNull();
    expect(get<HTMLButtonElement>(calendar, '[data-testid="sync-enable"]').disabled).toBe(false);
  });
});

describe("Microsoft 365 sync: while it is on", () => {
  it("shows the account, the container, the last sync, the count and the last error; syncs now", async () => {
    api.calendarSyncStatus.mockResolvedValue(on("Candor", { last_error: "Microsoft 365 is busy; trying again later." }));
    api.contactsSyncStatus.mockResolvedValue(on("Candor Contacts", { synced: 1, last_synced_at: null }));
    api.syncContactsNow.mockResolvedValue({ ...quietContacts, full_resync: false, pulled: 4, unlinked: 1 });
    const { calendar, contacts } = await open();

    expect(get(calendar, '[data-testid="sync-last"]').textContent).toContain(
      `Last synced ${formatDateTime(1_764_500_000)}.`,
    );
    expect(get(calendar, '[data-testid="sync-last"]').textContent).toContain("12 events synced.");
    expect(get(calendar, '[data-testid="sync-last-error"]').textContent).toBe(
      "The last sync failed: Microsoft 365 is busy; trying again later.",
    );
    expect(calendar.querySelector('[data-testid="sync-explain"]'), "no need to explain turning it on").toBeNull();
    expect(get(contacts, '[data-testid="sync-on"]').textContent).toBe(
      'On: syncing with the "Candor Contacts" contacts folder of Work.',
    );
    expect(get(contacts, '[data-testid="sync-last"]').textContent).toContain("Not synced yet.");
    expect(get(contacts, '[data-testid="sync-last"]').textContent).toContain("1 contact synced.");
    expect(contacts.querySelector('[data-testid="sync-last-error"]')).toBeNull();

    click(get(contacts, '[data-testid="sync-now"]'));
    await settle();
    expect(api.syncContactsNow).toHaveBeenCalledOnce();
    expect(api.syncCalendarNow).not.toHaveBeenCalled();
    expect([...get(contacts, '[data-testid="sync-report"]').querySelectorAll("li")].map((li) => li.textContent)).toEqual([
      "Brought into Candor from Microsoft 365: 4",
      "Removed from the folder in Microsoft 365, kept in Candor: 1",
    ]);
    expect(api.contactsSyncStatus).toHaveBeenCalledTimes(2);
  });

  it("turns calendar sync off only once the user confirms that the calendar in Microsoft 365 is deleted", async () => {
    api.calendarSyncStatus.mockResolvedValue(on("Candor"));
    api.disableCalendarSync.mockResolvedValue({ ...OFF, account: "Work" });
    const { calendar } = await open();

    click(get(calendar, '[data-testid="sync-disable"]'));
    const confirm = get(calendar, '[role="alertdialog"]');
    expect(confirm.textContent).toContain(
      'Turn off calendar sync? This deletes the "Candor" calendar in Microsoft 365, together with the copies of your events there. Everything stays in Candor.',
    );
    expect(api.disableCalendarSync).not.toHaveBeenCalled();
    click(button(confirm, "Keep syncing"));
    expect(calendar.querySelector('[role="alertdialog"]')).toBeNull();
    expect(api.disableCalendarSync).not.toHaveBeenCalled();

    click(get(calendar, '[data-testid="sync-disable"]'));
    click(get(calendar, '[data-testid="sync-disable-confirm"]'));
    await settle();
    expect(api.disableCalendarSync).toHaveBeenCalledOnce();
    expect(api.disableContactsSync).not.toHaveBeenCalled();
    expect(get(calendar, '[data-testid="sync-notice"]').textContent).toBe(
      'Calendar sync is off and the "Candor" calendar is deleted in Microsoft 365. Your events are still in Candor.',
    );
    expect(get(calendar, '[data-testid="sync-state"]').textContent?.trim()).toBe("Off");
    expect(calendar.querySelector('[data-testid="sync-enable"]'), "it can be turned on again").not.toBeNull();
  });

  it("names the contacts folder when turning contacts sync off, and keeps it on when that fails", async () => {
    api.contactsSyncStatus.mockResolvedValue(on("Candor Contacts"));
    api.disableContactsSync.mockRejectedValue(new ApiFailure("storage", "Microsoft 365 could not be reached."));
    const { contacts } = await open();
    click(get(contacts, '[data-testid="sync-disable"]'));
    expect(get(contacts, '[role="alertdialog"]').textContent).toContain(
      'This deletes the "Candor Contacts" folder in Microsoft 365, together with the copies of your contacts there. Everything stays in Candor.',
    );
    click(get(contacts, '[data-testid="sync-disable-confirm"]'));
    await settle();
    expect(api.disableContactsSync).toHaveBeenCalledOnce();
    expect(get(contacts, '[data-testid="error-banner"]').textContent).toContain("Microsoft 365 could not be reached.");
    expect(get(contacts, '[data-testid="sync-state"]').textContent?.trim()).toBe("On");
    expect(contacts.querySelector('[data-testid="sync-notice"]')).toBeNull();
  });
});

describe("Microsoft 365 sync: after the calendar was deleted in Microsoft 365", () => {
  const reason =
    'The "Candor" calendar was deleted in Microsoft 365, so calendar sync is now off. Your events are still in Candor.';

  it("says so prominently and creates the calendar again only when the user asks", async () => {
    api.calendarSyncStatus.mockResolvedValue({ ...OFF, account: "Work", disabled_reason: reason });
    api.mailAccounts.mockResolvedValue([recruiting, work]);
    api.enableCalendarSync.mockResolvedValue(calendarReport);
    const { calendar } = await open();

    const stopped = get(calendar, '[data-testid="sync-disabled-reason"]');
    expect(stopped.textContent).toContain("Calendar sync was turned off");
    expect(stopped.textContent).toContain(reason);
    expect(stopped.textContent).toContain('creates a new "Candor" calendar in Microsoft 365');
    expect(api.enableCalendarSync).not.toHaveBeenCalled();

    click(get(stopped, '[data-testid="sync-enable-again"]'));
    await settle();
    // With the account it synced as, not the first one listed.
    expect(api.enableCalendarSync).toHaveBeenCalledExactlyOnceWith("Work");
  });

  it("offers the usual choice when the account it synced as is gone", async () => {
    api.calendarSyncStatus.mockResolvedValue({ ...OFF, account: "Old", disabled_reason: reason });
    const { calendar } = await open();
    expect(get(calendar, '[data-testid="sync-disabled-reason"]').textContent).toContain(reason);
    expect(calendar.querySelector('[data-testid="sync-enable-again"]')).toBeNull();
    expect(calendar.querySelector('[data-testid="sync-explain"]')).not.toBeNull();
    expect(calendar.querySelector('[data-testid="sync-enable"]')).not.toBeNull();
  });
});

describe("Microsoft 365 sync: conflicts", () => {
  function conflict(id: number, occurred_at: number, winner: string, title: string): GraphConflict {
    return {
      id,
      resource: "calendar",
      local_id: id,
      graph_id: `AAMk${id}`,
      winner,
      overwritten_title: title,
      overwritten_start: 1_764_600_000,
      overwritten_end: 1_764_603_600,
      detail: "",
      occurred_at,
    };
  }

  it("lists what was overwritten, newest first, at most 20, and counts the rest", async () => {
    const many = Array.from({ length: 21 }, (_, i) => conflict(i + 1, 1_764_000_000 + i * 60, "local", `Call ${i + 1}`));
    const newest = conflict(99, 1_765_000_000, "remote", "Interview: Celina Nowak");
    const untitled = conflict(100, 1_764_999_000, "local", "");
    api.calendarSyncStatus.mockResolvedValue(on("Candor", { conflicts: [...many, newest, untitled] }));
    const { calendar, contacts } = await open();

    const list = get(calendar, '[data-testid="sync-conflicts"]');
    expect(get(list, "summary").textContent).toBe("23 conflicts settled");
    expect(get(list, '[data-testid="sync-conflicts-latest"]').textContent?.trim()).toBe(
      "The latest 20 of 23 are shown.",
    );
    const items = [...list.querySelectorAll('[data-testid="sync-conflict"]')];
    expect(items).toHaveLength(20);
    expect(items.map((li) => li.getAttribute("data-conflict-id")).slice(0, 3)).toEqual(["99", "100", "21"]);
    expect(items.at(-1)?.getAttribute("data-conflict-id"), "the oldest three are left out").toBe("4");

    const first = items[0] as HTMLElement;
    expect(get(first, "strong").textContent).toBe("Interview: Celina Nowak");
    expect(first.textContent).toContain(`Starts ${formatDateTime(1_764_600_000)}`);
    expect(first.textContent).toContain(
      "the edit made in Microsoft 365 was kept, and Candor's version was overwritten.",
    );
    expect(first.textContent).toContain(`Settled ${formatDateTime(1_765_000_000)}`);
    const second = items[1] as HTMLElement;
    expect(get(second, "strong").textContent).toBe("(no title)");
    expect(second.textContent).toContain("Candor's version was kept, and the edit made in Microsoft 365 was overwritten.");

    expect(contacts.querySelector('[data-testid="sync-conflicts"]')).toBeNull();
  });
});

describe("Microsoft 365 sync: the background sync", () => {
  it("shows a run in progress and reloads only that card's status when it ends", async () => {
    api.calendarSyncStatus.mockResolvedValue(on("Candor"));
    api.contactsSyncStatus.mockResolvedValue(on("Candor Contacts", { synced: 5 }));
    const { calendar, contacts } = await open();
    expect(listener.handler).not.toBeNull();
    const report = (activity: Partial<GraphSyncActivity>) =>
      listener.handler?.({ resource: "contacts", phase: "syncing", changed: 0, error: null, ...activity });

    report({ phase: "syncing" });
    await settle();
    expect(get(contacts, '[data-testid="sync-progress"]').textContent).toBe("Syncing…");
    expect(get<HTMLButtonElement>(contacts, '[data-testid="sync-now"]').disabled).toBe(true);
    expect(calendar.querySelector('[data-testid="sync-progress"]')).toBeNull();
    expect(api.contactsSyncStatus).toHaveBeenCalledTimes(1);

    api.contactsSyncStatus.mockResolvedValue(on("Candor Contacts", { synced: 7 }));
    report({ phase: "synced", changed: 2 });
    await settle();
    expect(api.contactsSyncStatus).toHaveBeenCalledTimes(2);
    expect(api.calendarSyncStatus).toHaveBeenCalledTimes(1);
    expect(contacts.querySelector('[data-testid="sync-progress"]')).toBeNull();
    expect(get(contacts, '[data-testid="sync-last"]').textContent).toContain("7 contacts synced.");

    // A failed run that turned the sync off: the card says why.
    api.contactsSyncStatus.mockResolvedValue({
      ...OFF,
      account: "Work",
      disabled_reason: 'The "Candor Contacts" folder was deleted in Microsoft 365, so contacts sync is now off.',
    });
    report({ phase: "failed", error: "gone" });
    await settle();
    expect(get(contacts, '[data-testid="sync-disabled-reason"]').textContent).toContain(
      'The "Candor Contacts" folder was deleted in Microsoft 365',
    );
    expect(api.enableContactsSync).not.toHaveBeenCalled();
  });

  it("shows the core's message when the accounts cannot be loaded", async () => {
    api.mailAccounts.mockRejectedValue(new ApiFailure("storage", "The local database reported an error."));
    const { root, calendar } = await open();
    expect(get(root, '[data-testid="error-banner"]').textContent).toContain("The local database reported an error.");
    expect(calendar.querySelector('[data-testid="sync-enable"]')).toBeNull();
    expect(calendar.querySelector('[data-testid="sync-needs-account"]'), "not claimed to be missing").toBeNull();
  });
});
