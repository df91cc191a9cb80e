import { flushSync } from "svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { click, get, render, settle, type } from "../test/dom";
import type { CalendarEvent, EventInput, GraphSyncActivity, GraphSyncStatus } from "../lib/ipc/api";
import CalendarPage from "./CalendarPage.svelte";

const api = vi.hoisted(() => ({
  calendarEvents: vi.fn(),
  calendarSyncStatus: vi.fn(),
  syncCalendarNow: vi.fn(),
  importIcs: vi.fn(),
  createEvent: vi.fn(),
  updateEvent: vi.fn(),
  deleteEvent: vi.fn(),
  searchRecords: vi.fn(),
}));
const activity = vi.hoisted(() => ({ handler: null as ((a: GraphSyncActivity) => void) | null }));
vi.mock("../lib/ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../lib/ipc/api")>()),
  api,
  onGraphSyncActivity: vi.fn((handler: (a: GraphSyncActivity) => void) => {
    activity.handler = handler;
    return Promise.resolve(() => undefined);
  }),
}));

const WARSAW = "Europe/Warsaw";
const NEW_YORK = "America/New_York";
const utc = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min) / 1000;
const plain = (s: string | null | undefined) => (s ?? "").replace(/\s+/g, " ").trim();
/** Tuesday 5 March 2024, 13:20 in Warsaw. The tests run in en-US, whose weeks start on Sunday. */
const NOW = utc(2024, 3, 5, 12, 20);
const DAY = 86_400;

function event(
  id: number,
  title: string,
  starts_at: number,
  ends_at: number,
  overrides: Partial<CalendarEvent> = {},
): CalendarEvent {
  return {
    id,
    title,
    starts_at,
    ends_at,
    time_zone: WARSAW,
    is_all_day: false,
    location: null,
    is_online_meeting: false,
    notes: "",
    candidate_id: null,
    job_id: null,
    attendees: [],
    is_imported: false,
    graph_id: null,
    graph_etag: null,
    graph_transaction_id: null,
    graph_synced_at: null,
    graph_remote_modified: null,
    created_at: 1_700_000_000,
    updated_at: 1_700_000_000,
    candidate_name: null,
    job_name: null,
    ...overrides,
  };
}

// 09:00–10:00 and 09:30–11:00 on Tuesday in Warsaw, overlapping; an interview; an imported event;
// a two-day all-day event (Wednesday and Thursday).
const interview = event(1, "Interview: Anna Berg – Compiler engineer", utc(2024, 3, 5, 8), utc(2024, 3, 5, 9), {
  candidate_id: 7,
  job_id: 42,
  candidate_name: "Anna Berg",
  job_name: "Compiler engineer",
});
const review = event(2, "Pipeline review", utc(2024, 3, 5, 8, 30), utc(2024, 3, 5, 10));
const webinar = event(3, "Webinar", utc(2024, 3, 7, 14), utc(2024, 3, 7, 15), { is_imported: true });
const fair = event(4, "Career fair", utc(2024, 3, 5, 23), utc(2024, 3, 7, 23), { is_all_day: true });

function status(overrides: Partial<GraphSyncStatus> = {}): GraphSyncStatus {
  return {
    enabled: false,
    account: null,
    container: null,
    last_synced_at: null,
    last_error: null,
    disabled_reason: null,
    synced: 0,
    conflicts: [],
    ...overrides,
  };
}

async function open(timeZone = WARSAW) {
  const root = render(CalendarPage, { timeZone, clock: () => NOW });
  await settle();
  return root;
}

function press(key: string, target: EventTarget = window) {
  target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
  flushSync();
}

const column = (root: ParentNode, date: string) => get(root, `[data-testid="day-column"][data-date="${date}"]`);
const shown = (root: ParentNode, id: number) => get(root, `[data-testid="calendar-event"][data-event-id="${id}"]`);

beforeEach(() => {
  localStorage.clear();
  activity.handler = null;
  api.calendarEvents.mockReset().mockResolvedValue([interview, review, webinar, fair]);
  api.calendarSyncStatus.mockReset().mockResolvedValue(status());
  api.syncCalendarNow.mockReset().mockResolvedValue({});
  api.importIcs.mockReset();
  api.createEvent.mockReset().mockImplementation((i: EventInput) => Promise.resolve({ ...interview, ...i, id: 9 }));
  api.updateEvent.mockReset();
  api.deleteEvent.mockReset();
  api.searchRecords.mockReset().mockResolvedValue({ records: [], total: 0 });
});

describe("CalendarPage", () => {
  it("opens on this week, Sunday to Saturday in en-US, asking for its events with a day's margin", async () => {
    const root = await open();

    // Sunday 3 March 00:00 to Sunday 10 March 00:00 in Warsaw.
    expect(api.calendarEvents).toHaveBeenCalledWith(utc(2024, 3, 2, 23) - DAY, utc(2024, 3, 9, 23) + DAY);
    expect(plain(get(root, '[data-testid="calendar-range"]').textContent)).toBe("Mar 3 – 9, 2024");
    const dates = [...root.querySelectorAll<HTMLElement>('[data-testid="day-column"]')].map((c) => c.dataset.date);
    expect(dates).toEqual(["2024-03-03", "2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07", "2024-03-08", "2024-03-09"]);
    expect(column(root, "2024-03-05").classList.contains("today")).toBe(true);
    expect(get(root, '[data-testid="calendar-view-week"]').getAttribute("aria-pressed")).toBe("true");
  });

  it("places timed events by their time in the zone shown, overlapping ones side by side", async () => {
    const root = await open();
    const first = shown(column(root, "2024-03-05"), 1);
    const second = shown(column(root, "2024-03-05"), 2);
    expect(plain(first.querySelector(".time")?.textContent)).toBe("9:00 AM");
    expect([first.style.top, first.style.height, first.style.left, first.style.width]).toEqual([
      `${(540 / 1440) * 100}%`,
      `${(60 / 1440) * 100}%`,
      "0%",
      "50%",
    ]);
    expect([second.style.top, second.style.left, second.style.width]).toEqual([`${(570 / 1440) * 100}%`, "50%", "50%"]);
    expect(shown(column(root, "2024-03-07"), 3).style.width, "alone in its day").toBe("100%");
  });

  it("shows the same events at New York's times when that is the zone", async () => {
    const root = await open(NEW_YORK);
    const first = shown(column(root, "2024-03-05"), 1);
    expect(plain(first.querySelector(".time")?.textContent)).toBe("3:00 AM");
    expect(first.style.top).toBe(`${(180 / 1440) * 100}%`);
  });

  it("marks interviews with their candidate and job, and imported events", async () => {
    const root = await open();
    const first = shown(root, 1);
    expect(first.classList.contains("interview")).toBe(true);
    expect(plain(first.querySelector(".who")?.textContent)).toBe("Interview Anna Berg · Compiler engineer");
    expect(shown(root, 2).classList.contains("interview")).toBe(false);
    const imported = shown(root, 3);
    expect(imported.classList.contains("imported")).toBe(true);
    expect(get(imported, ".badge").textContent).toBe("Imported");
    expect(get(imported, ".badge").getAttribute("title")).toContain("not synced to Microsoft 365");
  });

  it("shows all-day events in the top row on each of their days", async () => {
    const root = await open();
    const cells = [...root.querySelectorAll<HTMLElement>('[data-testid="all-day-cell"]')]
      .filter((cell) => cell.querySelector('[data-event-id="4"]'))
      .map((cell) => cell.dataset.date);
    expect(cells).toEqual(["2024-03-06", "2024-03-07"]);
    expect(root.querySelector('[data-testid="day-column"] [data-event-id="4"]'), "not in the hours").toBeNull();
  });

  it("switches views and moves through time with the buttons", async () => {
    const root = await open();
    click(get(root, '[data-testid="calendar-next"]'));
    await settle();
    expect(plain(get(root, '[data-testid="calendar-range"]').textContent)).toBe("Mar 10 – 16, 2024");
    expect(api.calendarEvents).toHaveBeenLastCalledWith(utc(2024, 3, 9, 23) - DAY, utc(2024, 3, 16, 23) + DAY);

    click(get(root, '[data-testid="calendar-view-month"]'));
    await settle();
    expect(get(root, '[data-testid="calendar-range"]').textContent).toBe("March 2024");
    expect(root.querySelectorAll('[data-testid="month-cell"]')).toHaveLength(42);
    // The grid runs from Sunday 25 February to Saturday 6 April.
    expect(api.calendarEvents).toHaveBeenLastCalledWith(utc(2024, 2, 24, 23) - DAY, utc(2024, 4, 6, 22) + DAY);
    expect(localStorage.getItem("candor.calendar.view"), "remembered for next time").toBe("month");

    click(get(root, '[data-testid="calendar-previous"]'));
    await settle();
    expect(get(root, '[data-testid="calendar-range"]').textContent).toBe("February 2024");
    click(get(root, '[data-testid="calendar-today"]'));
    click(get(root, '[data-testid="calendar-view-day"]'));
    await settle();
    expect(get(root, '[data-testid="calendar-range"]').textContent).toBe("Tuesday, March 5, 2024");
    expect(root.querySelectorAll('[data-testid="day-column"]')).toHaveLength(1);
  });

  it("answers t, d, w, m, n and the arrows or j and k, but not while typing in a field", async () => {
    const root = await open();
    const range = () => plain(get(root, '[data-testid="calendar-range"]').textContent);
    press("d");
    expect(range()).toBe("Tuesday, March 5, 2024");
    press("j");
    expect(range()).toBe("Wednesday, March 6, 2024");
    press("ArrowRight");
    press("ArrowLeft");
    press("ArrowLeft");
    press("k");
    expect(range()).toBe("Monday, March 4, 2024");
    press("m");
    expect(range()).toBe("March 2024");
    press("t");
    press("w");
    expect(range()).toBe("Mar 3 – 9, 2024");

    const field = document.createElement("input");
    document.body.appendChild(field);
    press("m", field);
    expect(range(), "m typed into a field is a letter").toBe("Mar 3 – 9, 2024");

    press("n");
    await settle();
    const editor = get(root, '[data-testid="event-editor"]');
    expect(get<HTMLInputElement>(editor, '[name="start_time"]').value, "the next full hour").toBe("14:00");
    press("m");
    expect(range(), "the open editor keeps the keyboard").toBe("Mar 3 – 9, 2024");
  });

  it("starts a new event in the slot clicked, and shows it once saved", async () => {
    const root = await open();
    click(get(column(root, "2024-03-06"), '.slot[data-hour="14"]'));
    const editor = get(root, '[data-testid="event-editor"]');
    expect(get<HTMLInputElement>(editor, '[name="start_date"]').value).toBe("2024-03-06");
    expect(get<HTMLInputElement>(editor, '[name="start_time"]').value).toBe("14:00");
    expect(get<HTMLInputElement>(editor, '[name="end_time"]').value).toBe("15:00");

    type(get(editor, '[name="title"]'), "Call with Initech");
    const calls = api.calendarEvents.mock.calls.length;
    click(get(editor, '[data-testid="event-save"]'));
    await settle();

    expect(api.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        title: "Call with Initech",
        starts_at: utc(2024, 3, 6, 13),
        ends_at: utc(2024, 3, 6, 14),
        time_zone: WARSAW,
      }),
    );
    expect(root.querySelector('[data-testid="event-editor"]'), "closed").toBeNull();
    expect(api.calendarEvents.mock.calls.length, "reloaded").toBe(calls + 1);
  });

  it("opens an event for editing when it is clicked, and gives the focus back when done", async () => {
    const root = await open();
    shown(root, 2).focus();
    click(shown(root, 2));
    const editor = get(root, '[data-testid="event-editor"]');
    expect(get(editor, "h2").textContent).toBe("Edit event");
    expect(get<HTMLInputElement>(editor, '[name="title"]').value).toBe("Pipeline review");
    expect(document.activeElement).toBe(get(editor, '[name="title"]'));
    click(get(editor, '[data-testid="event-cancel"]'));
    await settle();
    expect(root.querySelector('[data-testid="event-editor"]')).toBeNull();
    expect(document.activeElement).toBe(shown(root, 2));
  });

  it("lists a month day's events, and starts an all-day event from its blank", async () => {
    const many = [1, 2, 3, 4, 5].map((n) => event(10 + n, `Call ${n}`, utc(2024, 3, 12, 8 + n), utc(2024, 3, 12, 9 + n)));
    api.calendarEvents.mockResolvedValue([interview, fair, ...many]);
    const root = await open();
    press("m");
    await settle();

    const tuesday = get(root, '[data-testid="month-cell"][data-date="2024-03-05"]');
    expect([...tuesday.querySelectorAll(".event .title")].map((e) => e.textContent)).toEqual([
      "Interview: Anna Berg – Compiler engineer",
    ]);
    const wednesday = get(root, '[data-testid="month-cell"][data-date="2024-03-06"]');
    expect(wednesday.textContent).toContain("Career fair");
    const busy = get(root, '[data-testid="month-cell"][data-date="2024-03-12"]');
    expect(busy.querySelectorAll(".event")).toHaveLength(3);
    expect(get(busy, ".more").textContent).toBe("+2 more");
    expect(get(root, '[data-testid="month-cell"][data-date="2024-02-25"]').classList.contains("outside")).toBe(true);

    click(get(wednesday, ".slot"));
    const editor = get(root, '[data-testid="event-editor"]');
    expect(get<HTMLInputElement>(editor, '[name="is_all_day"]').checked).toBe(true);
    expect(get<HTMLInputElement>(editor, '[name="start_date"]').value).toBe("2024-03-06");
    expect(get<HTMLInputElement>(editor, '[name="end_date"]').value).toBe("2024-03-06");
    click(get(editor, '[data-testid="event-cancel"]'));

    click(get(busy, ".more"));
    expect(plain(get(root, '[data-testid="calendar-range"]').textContent)).toBe("Tuesday, March 12, 2024");
  });

  it("links to Settings while calendar sync is not set up", async () => {
    const root = await open();
    expect(api.calendarSyncStatus).toHaveBeenCalled();
    const link = get<HTMLAnchorElement>(root, '[data-testid="calendar-sync-setup"]');
    expect(link.textContent).toBe("Not synced — set up in Settings");
    expect(link.getAttribute("href")).toBe("#/settings");
    expect(root.querySelector('[data-testid="calendar-sync-now"]')).toBeNull();
  });

  it("says why sync is off when Candor turned it off", async () => {
    api.calendarSyncStatus.mockResolvedValue(status({ disabled_reason: "The Candor calendar was deleted in Microsoft 365." }));
    const root = await open();
    expect(get(root, '[data-testid="calendar-sync"]').textContent).toContain(
      "Microsoft 365 sync is off: The Candor calendar was deleted in Microsoft 365.",
    );
  });

  it("says when the calendar last synced, and syncs on request", async () => {
    api.calendarSyncStatus.mockResolvedValue(status({ enabled: true, last_synced_at: utc(2024, 3, 5, 11) }));
    const root = await open();
    expect(plain(get(root, '[data-testid="calendar-sync"]').textContent)).toContain(
      "Synced with Microsoft 365 at Mar 5, 2024, 12:00 PM.",
    );

    api.calendarSyncStatus.mockResolvedValue(status({ enabled: true, last_error: "Microsoft 365 is not answering." }));
    const calls = api.calendarEvents.mock.calls.length;
    click(get(root, '[data-testid="calendar-sync-now"]'));
    await settle();
    expect(api.syncCalendarNow).toHaveBeenCalledTimes(1);
    expect(api.calendarEvents.mock.calls.length).toBe(calls + 1);
    expect(get(root, '[data-testid="calendar-sync"]').textContent).toContain(
      "Microsoft 365 sync failed: Microsoft 365 is not answering.",
    );
  });

  it("reloads when the background sync changed the calendar, and only then", async () => {
    await open();
    const calls = () => api.calendarEvents.mock.calls.length;
    const before = calls();
    activity.handler?.({ resource: "contacts", phase: "synced", changed: 4, error: null });
    activity.handler?.({ resource: "calendar", phase: "syncing", changed: 0, error: null });
    activity.handler?.({ resource: "calendar", phase: "synced", changed: 0, error: null });
    await settle();
    expect(calls(), "nothing changed in the calendar").toBe(before);
    activity.handler?.({ resource: "calendar", phase: "synced", changed: 2, error: null });
    await settle();
    expect(calls()).toBe(before + 1);
  });

  it("imports an .ics file and reports what came in and what did not", async () => {
    api.importIcs.mockResolvedValue({
      imported: 3,
      updated: 1,
      recurring: 2,
      skipped: [
        { title: "Team offsite", reason: "it has no start time" },
        { title: null, reason: "it was cancelled" },
      ],
    });
    const root = await open();
    const input = get<HTMLInputElement>(root, '[data-testid="calendar-import"]');
    expect(input.getAttribute("accept")).toBe(".ics,text/calendar");
    const text = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
    Object.defineProperty(input, "files", { value: [new File([text], "events.ics")], configurable: true });
    const calls = api.calendarEvents.mock.calls.length;
    input.dispatchEvent(new Event("change", { bubbles: true }));
    await settle();
    await settle();

    expect(api.importIcs).toHaveBeenCalledWith(text);
    const report = get(root, '[data-testid="ics-report"]');
    expect([...report.querySelectorAll("p, li")].map((e) => e.textContent)).toEqual([
      "3 new events were imported.",
      "1 event imported before was updated.",
      "2 recurring events were imported as their first occurrence only.",
      "Team offsite: it has no start time",
      "(no title): it was cancelled",
      "Imported events stay in Candor: they are not synced to Microsoft 365.",
    ]);
    expect(api.calendarEvents.mock.calls.length, "reloaded").toBe(calls + 1);
  });

  it("moves the highlight of today at midnight while the calendar stays open", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      let now = NOW; // Tuesday 5 March, 13:20 in Warsaw
      const root = render(CalendarPage, { timeZone: WARSAW, clock: () => now });
      await settle();
      expect(column(root, "2024-03-05").classList.contains("today")).toBe(true);

      now = utc(2024, 3, 5, 23, 1); // 00:01 on Wednesday in Warsaw
      vi.advanceTimersByTime(60_000);
      flushSync();
      expect(column(root, "2024-03-05").classList.contains("today")).toBe(false);
      expect(column(root, "2024-03-06").classList.contains("today")).toBe(true);
      // The week shown stays: moving on is the user's to do.
      expect(plain(get(root, '[data-testid="calendar-range"]').textContent)).toBe("Mar 3 – 9, 2024");
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows the core's message when the events cannot be loaded", async () => {
    const { ApiFailure } = await import("../lib/ipc/api");
    api.calendarEvents.mockRejectedValue(new ApiFailure("unexpected", "The database is locked."));
    const root = await open();
    expect(get(root, '[data-testid="error-banner"]').textContent).toContain("The database is locked.");
  });
});
