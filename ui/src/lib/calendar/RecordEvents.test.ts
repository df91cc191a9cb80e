import { beforeEach, describe, expect, it, vi } from "vitest";
import { click, get, render, settle, type } from "../../test/dom";
import type { CalendarEvent, EventInput } from "../ipc/api";
import RecordEvents from "./RecordEvents.svelte";

const api = vi.hoisted(() => ({
  recordEvents: vi.fn(),
  createEvent: vi.fn(),
  updateEvent: vi.fn(),
  deleteEvent: vi.fn(),
  searchRecords: vi.fn(),
}));
vi.mock("../ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../ipc/api")>()),
  api,
}));

const WARSAW = "Europe/Warsaw";
const utc = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min) / 1000;
const plain = (s: string | null | undefined) => (s ?? "").replace(/\s+/g, " ").trim();
/** 5 March 2024, 13:00 in Warsaw. */
const NOW = utc(2024, 3, 5, 12);

function event(id: number, title: string, starts_at: number, overrides: Partial<CalendarEvent> = {}): CalendarEvent {
  return {
    id,
    title,
    starts_at,
    ends_at: starts_at + 3600,
    time_zone: WARSAW,
    is_all_day: false,
    location: null,
    is_online_meeting: false,
    notes: "",
    candidate_id: 7,
    job_id: 42,
    attendees: [],
    is_imported: false,
    graph_id: null,
    graph_etag: null,
    graph_transaction_id: null,
    graph_synced_at: null,
    graph_remote_modified: null,
    created_at: 1_700_000_000,
    updated_at: 1_700_000_000,
    candidate_name: "Anna Berg",
    job_name: "Compiler engineer",
    ...overrides,
  };
}

const later = event(1, "Final interview", utc(2024, 3, 12, 9));
const soon = event(2, "First interview", utc(2024, 3, 6, 8));
const lastWeek = event(3, "Screening call", utc(2024, 2, 27, 10), { job_id: null, job_name: null });
const longAgo = event(4, "Intro chat", utc(2024, 1, 10, 10), { is_imported: true, job_id: null, job_name: null });

const titles = (root: ParentNode, list: string) =>
  [...root.querySelectorAll(`[data-testid="${list}"] [data-testid="record-event"] .title`)].map((e) => e.textContent);

type Record = { id: number; kind: "candidate" | "job"; display_name: string };

function show(record: Record = { id: 7, kind: "candidate", display_name: "Anna Berg" }) {
  return render(RecordEvents, { record, timeZone: WARSAW, clock: () => NOW });
}

beforeEach(() => {
  api.recordEvents.mockReset().mockResolvedValue([longAgo, later, lastWeek, soon]);
  api.createEvent.mockReset().mockImplementation((i: EventInput) => Promise.resolve({ ...soon, ...i, id: 10 }));
  api.updateEvent.mockReset();
  api.deleteEvent.mockReset();
  api.searchRecords.mockReset().mockResolvedValue({ records: [], total: 0 });
});

describe("RecordEvents", () => {
  it("lists upcoming events soonest first, with their time in the pinned zone and the job they are for", async () => {
    const root = show();
    await settle();

    expect(api.recordEvents).toHaveBeenCalledWith(7);
    expect(titles(root, "upcoming-events")).toEqual(["First interview", "Final interview"]);
    const first = get(root, '[data-event-id="2"]');
    expect(plain(first.querySelector("time")?.textContent)).toBe("Mar 6, 2024, 9:00 – 10:00 AM");
    expect(first.textContent, "an interview is marked, with the job it is for").toContain("Interview");
    expect(first.textContent).toContain("Compiler engineer");
    expect(first.classList.contains("interview")).toBe(true);
  });

  it("folds past events away behind Show past, latest first", async () => {
    const root = show();
    await settle();

    expect(root.querySelector('[data-testid="past-events"]')).toBeNull();
    const toggle = get(root, '[data-testid="toggle-past"]');
    expect(toggle.textContent?.trim()).toBe("Show past (2)");
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    click(toggle);
    expect(titles(root, "past-events")).toEqual(["Screening call", "Intro chat"]);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(get(root, '[data-event-id="4"]').textContent, "an imported event says so").toContain("Imported");
    expect(get(root, '[data-event-id="3"]').classList.contains("interview"), "no job: not an interview").toBe(false);
    click(toggle);
    expect(root.querySelector('[data-testid="past-events"]')).toBeNull();
  });

  it("says when there is nothing at all", async () => {
    api.recordEvents.mockResolvedValue([]);
    const root = show();
    await settle();
    expect(get(root, '[data-testid="record-events-empty"]').textContent).toBe("No events or interviews yet.");
    expect(root.querySelector('[data-testid="toggle-past"]')).toBeNull();
  });

  it("schedules an interview linked to this candidate, then lists it", async () => {
    const root = show();
    await settle();

    click(get(root, '[data-testid="schedule-interview"]'));
    const form = get(root, '[data-testid="event-editor"]');
    expect(get(form, "h2").textContent).toBe("Schedule interview");
    expect(get<HTMLInputElement>(form, '[name="title"]').value).toBe("Interview: Anna Berg");
    expect(get(form, '[data-testid="candidate_id-linked"]').textContent).toContain("Anna Berg");

    const created = event(10, "Interview: Anna Berg", utc(2024, 3, 7, 9), { job_id: null, job_name: null });
    api.recordEvents.mockResolvedValue([later, soon, created]);
    click(get(form, '[data-testid="event-save"]'));
    await settle();

    expect(api.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({ candidate_id: 7, job_id: null, title: "Interview: Anna Berg" }),
    );
    expect(root.querySelector('[data-testid="event-editor"]'), "the editor closes").toBeNull();
    expect(titles(root, "upcoming-events")).toEqual(["First interview", "Interview: Anna Berg", "Final interview"]);
  });

  it("links a job opening's interview to the job, and names the candidate on each event", async () => {
    const root = show({ id: 42, kind: "job", display_name: "Compiler engineer" });
    await settle();
    expect(api.recordEvents).toHaveBeenCalledWith(42);
    expect(get(root, '[data-event-id="2"]').textContent).toContain("Anna Berg");

    click(get(root, '[data-testid="schedule-interview"]'));
    expect(get<HTMLInputElement>(root, '[name="title"]').value).toBe("Interview for Compiler engineer");
    expect(get(root, '[data-testid="job_id-linked"]').textContent).toContain("Compiler engineer");
    expect(root.querySelector('[data-testid="candidate_id-linked"]'), "the candidate is picked in the form").toBeNull();
  });

  it("opens an event in the editor and reloads after saving it", async () => {
    api.updateEvent.mockImplementation((id: number, i: EventInput) => Promise.resolve({ ...soon, ...i, id }));
    const root = show();
    await settle();

    click(get(root, '[data-event-id="2"]'));
    expect(get(root, "h2:not(#record-events-title)").textContent).toBe("Edit event");
    type(get(root, '[name="title"]'), "First interview (moved)");
    api.recordEvents.mockResolvedValue([{ ...soon, title: "First interview (moved)" }]);
    click(get(root, '[data-testid="event-save"]'));
    await settle();

    expect(api.updateEvent).toHaveBeenCalledWith(2, expect.objectContaining({ title: "First interview (moved)" }));
    expect(api.recordEvents).toHaveBeenCalledTimes(2);
    expect(titles(root, "upcoming-events")).toEqual(["First interview (moved)"]);
  });
});
