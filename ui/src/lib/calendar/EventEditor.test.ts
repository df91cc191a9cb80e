import { flushSync } from "svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { choose, click, controlNames, get, render, settle, type } from "../../test/dom";
import type { CalendarEvent, EventInput, RecordSummary } from "../ipc/api";
import EventEditor from "./EventEditor.svelte";

const api = vi.hoisted(() => ({
  createEvent: vi.fn(),
  updateEvent: vi.fn(),
  deleteEvent: vi.fn(),
  searchRecords: vi.fn(),
}));
vi.mock("../ipc/api", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../ipc/api")>()),
  api,
}));
const { ApiFailure } = await import("../ipc/api");

const WARSAW = "Europe/Warsaw";
const NEW_YORK = "America/New_York";
const utc = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min) / 1000;

function event(overrides: Partial<CalendarEvent> = {}): CalendarEvent {
  return {
    id: 5,
    title: "Call with the hiring manager",
    starts_at: utc(2024, 3, 5, 14),
    ends_at: utc(2024, 3, 5, 15),
    time_zone: NEW_YORK,
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

function saved(input: EventInput, id = 9): CalendarEvent {
  return { ...event(), ...input, id };
}

const anna = { id: 7, name: "Anna Berg" };
const compilerJob = { id: 42, name: "Compiler engineer" };
const slot = { startsAt: utc(2024, 3, 5, 8), endsAt: utc(2024, 3, 5, 9), allDay: false };

function editor(props: Partial<Parameters<typeof EventEditor>[1]> = {}) {
  const handlers = { onsaved: vi.fn(), ondeleted: vi.fn(), oncancel: vi.fn() };
  const root = render(EventEditor, { event: null, start: slot, timeZone: WARSAW, ...handlers, ...props });
  return { root, ...handlers };
}

const input = (root: HTMLElement, name: string) => get<HTMLInputElement>(root, `[name="${name}"]`);
const submit = async (root: HTMLElement) => {
  click(get(root, '[data-testid="event-save"]'));
  await settle();
};

beforeEach(() => {
  api.createEvent.mockReset().mockImplementation((i: EventInput) => Promise.resolve(saved(i)));
  api.updateEvent.mockReset().mockImplementation((id: number, i: EventInput) => Promise.resolve(saved(i, id)));
  api.deleteEvent.mockReset().mockResolvedValue(undefined);
  api.searchRecords.mockReset().mockResolvedValue({ records: [], total: 0 });
});

describe("EventEditor", () => {
  it("creates an event at the slot's time, read on the wall clock of the computer's zone", async () => {
    const { root, onsaved } = editor();
    expect(get(root, "h2").textContent).toBe("New event");
    expect(controlNames(root)).toEqual([
      "title",
      "is_all_day",
      "start_date",
      "start_time",
      "end_date",
      "end_time",
      "time_zone",
      "location",
      "is_online_meeting",
      "attendees",
      "",
      "notes",
    ]);
    expect([input(root, "start_date").value, input(root, "start_time").value, input(root, "end_time").value]).toEqual([
      "2024-03-05",
      "09:00",
      "10:00",
    ]);
    expect(get<HTMLSelectElement>(root, '[name="time_zone"]').value).toBe(WARSAW);
    expect(document.activeElement, "the title is where typing starts").toBe(input(root, "title"));

    type(input(root, "title"), "  Coffee with Wei ");
    type(input(root, "location"), "Café Nero");
    click(input(root, "is_online_meeting"));
    type(get(root, '[name="attendees"]'), "Wei Zhang <wei@example.com>\nzofia@example.pl");
    type(get(root, '[name="notes"]'), "Ask about relocation.");
    await submit(root);

    expect(api.createEvent).toHaveBeenCalledWith({
      title: "Coffee with Wei",
      starts_at: utc(2024, 3, 5, 8),
      ends_at: utc(2024, 3, 5, 9),
      time_zone: WARSAW,
      is_all_day: false,
      location: "Café Nero",
      is_online_meeting: true,
      notes: "Ask about relocation.",
      candidate_id: null,
      job_id: null,
      attendees: [
        { address: "wei@example.com", display_name: "Wei Zhang", attendance: "required" },
        { address: "zofia@example.pl", display_name: null, attendance: "required" },
      ],
    });
    expect(onsaved).toHaveBeenCalledWith(expect.objectContaining({ id: 9, title: "Coffee with Wei" }));
  });

  it("warns that attendees get an invitation from Microsoft 365 once there are any", () => {
    const { root } = editor();
    expect(root.querySelector('[data-testid="invitation-warning"]')).toBeNull();
    type(get(root, '[name="attendees"]'), "wei@example.com");
    expect(get(root, '[data-testid="invitation-warning"]').textContent).toContain(
      "Microsoft 365 sends the attendees an invitation",
    );
  });

  it("says what is wrong and saves nothing when the form is not valid", async () => {
    const { root } = editor();
    type(input(root, "end_time"), "08:30");
    type(get(root, '[name="attendees"]'), "wei@example.com\nnot an address");
    await submit(root);

    expect(api.createEvent).not.toHaveBeenCalled();
    expect(get(root, '[data-testid="field-error-title"]').textContent).toBe("Give the event a title.");
    expect(get(root, '[data-testid="field-error-ends_at"]').textContent).toBe("The end must be after the start.");
    expect(get(root, '[data-testid="field-error-attendees"]').textContent).toBe("Not an email address: not an address");
    expect(input(root, "end_time").getAttribute("aria-invalid")).toBe("true");
  });

  it("edits an event in its own zone, keeping it, and moves the end with the start", async () => {
    const { root } = editor({ event: event(), start: undefined });
    expect(get(root, "h2").textContent).toBe("Edit event");
    expect([input(root, "start_time").value, input(root, "end_time").value], "9:00 in New York").toEqual(["09:00", "10:00"]);
    expect(get<HTMLSelectElement>(root, '[name="time_zone"]').value).toBe(NEW_YORK);

    type(input(root, "start_time"), "11:30");
    expect(input(root, "end_time").value, "still an hour long").toBe("12:30");
    await submit(root);

    expect(api.updateEvent).toHaveBeenCalledWith(
      5,
      expect.objectContaining({ time_zone: NEW_YORK, starts_at: utc(2024, 3, 5, 16, 30), ends_at: utc(2024, 3, 5, 17, 30) }),
    );
  });

  it("reads the times in another zone when one is chosen", async () => {
    const { root } = editor();
    type(input(root, "title"), "Standup");
    choose(get(root, '[name="time_zone"]'), NEW_YORK);
    await submit(root);
    expect(api.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({ time_zone: NEW_YORK, starts_at: utc(2024, 3, 5, 14), ends_at: utc(2024, 3, 5, 15) }),
    );
  });

  it("saves an all-day event from midnight to midnight after its last day, without times", async () => {
    const { root } = editor();
    type(input(root, "title"), "Career fair");
    click(input(root, "is_all_day"));
    expect(root.querySelector('[name="start_time"]'), "no times for an all-day event").toBeNull();
    expect(get(root, "legend").textContent).toBe("First day");
    type(input(root, "end_date"), "2024-03-06");
    await submit(root);
    expect(api.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({ is_all_day: true, starts_at: utc(2024, 3, 4, 23), ends_at: utc(2024, 3, 6, 23) }),
    );
  });

  it("schedules an interview with what the record page passed, the title following the links", async () => {
    const job: RecordSummary = { id: 43, kind: "job", display_name: "Data engineer", detail: "Initech", updated_at: 1 };
    api.searchRecords.mockResolvedValue({ records: [job], total: 1 });
    const { root } = editor({ candidate: anna, job: compilerJob });
    expect(get(root, "h2").textContent).toBe("Schedule interview");
    expect(input(root, "title").value).toBe("Interview: Anna Berg – Compiler engineer");
    expect(get(root, '[data-testid="candidate_id-linked"]').textContent).toContain("Anna Berg");

    click(get(root, '[data-testid="job_id-linked"] button'));
    expect(input(root, "title").value).toBe("Interview: Anna Berg");
    type(get(root, '[data-testid="job_id-search"]'), "data");
    await settle();
    expect(api.searchRecords).toHaveBeenCalledWith("job", {
      text: "data",
      sort: "name",
      job_status: null,
      imported: null,
      limit: 8,
    });
    expect(get(root, '[data-testid="job_id-option"]').textContent).toContain("Initech");
    click(get(root, '[data-testid="job_id-option"][data-record-id="43"]'));
    expect(input(root, "title").value).toBe("Interview: Anna Berg – Data engineer");

    await submit(root);
    expect(api.createEvent).toHaveBeenCalledWith(expect.objectContaining({ candidate_id: 7, job_id: 43 }));
  });

  it("keeps a title the user wrote when the links change", () => {
    const { root } = editor({ candidate: anna });
    type(input(root, "title"), "Final round");
    click(get(root, '[data-testid="candidate_id-linked"] button'));
    expect(input(root, "title").value).toBe("Final round");
  });

  it("says so when no record matches the search", async () => {
    const { root } = editor();
    type(get(root, '[data-testid="candidate_id-search"]'), "nobody");
    await settle();
    expect(api.searchRecords).toHaveBeenCalledWith("candidate", expect.objectContaining({ text: "nobody" }));
    expect(root.textContent).toContain("Nothing matches this search.");
  });

  it("deletes an event only after the inline confirmation", async () => {
    const { root, ondeleted } = editor({ event: event() });
    click(get(root, '[data-testid="event-delete"]'));
    expect(api.deleteEvent).not.toHaveBeenCalled();
    expect(get(root, '[role="alertdialog"]').textContent).toContain("Delete the event Call with the hiring manager?");
    click(get(root, '[data-testid="event-confirm-delete"]'));
    await settle();
    expect(api.deleteEvent).toHaveBeenCalledWith(5);
    expect(ondeleted).toHaveBeenCalledWith(5);
  });

  it("shows the core's message under its field, or above the buttons", async () => {
    api.updateEvent.mockRejectedValueOnce(new ApiFailure("invalid", "Attendee wei@example is not an address.", "attendees"));
    const { root, onsaved } = editor({ event: event() });
    await submit(root);
    expect(get(root, '[data-testid="field-error-attendees"]').textContent).toBe("Attendee wei@example is not an address.");

    api.updateEvent.mockRejectedValueOnce(new ApiFailure("not_found", "This event was deleted meanwhile."));
    await submit(root);
    expect(get(root, '[data-testid="error-banner"]').textContent).toContain("This event was deleted meanwhile.");
    expect(onsaved).not.toHaveBeenCalled();
  });

  it("notes that an imported event is not synced, and sends no invitations", () => {
    const { root } = editor({
      event: event({ is_imported: true, attendees: [{ address: "a@example.com", display_name: null, attendance: "required" }] }),
    });
    expect(get(root, '[data-testid="event-imported-note"]').textContent).toContain("not synced to Microsoft 365");
    expect(root.querySelector('[data-testid="invitation-warning"]')).toBeNull();
  });

  it("closes on Esc while untouched, and keeps what was typed otherwise", () => {
    const { root, oncancel } = editor();
    const esc = () => {
      input(root, "title").dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
      flushSync();
    };
    type(input(root, "title"), "Half-written");
    esc();
    expect(oncancel).not.toHaveBeenCalled();
    type(input(root, "title"), "");
    esc();
    expect(oncancel).toHaveBeenCalledTimes(1);
    click(get(root, '[data-testid="event-cancel"]'));
    expect(oncancel).toHaveBeenCalledTimes(2);
  });
});
