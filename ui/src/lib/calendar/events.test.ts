import { describe, expect, it } from "vitest";
import type { CalendarEvent } from "../ipc/api";
import {
  daySlot,
  defaultStart,
  formFromEvent,
  formatWhen,
  hourSlot,
  interviewTitle,
  keepDuration,
  newForm,
  parseAttendees,
  splitByTime,
  toInput,
  type EventForm,
  type FormMessages,
} from "./events";

const WARSAW = "Europe/Warsaw";
const NEW_YORK = "America/New_York";
const utc = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min) / 1000;
const plain = (s: string) => s.replace(/\s/g, " ");

function event(overrides: Partial<CalendarEvent> = {}): CalendarEvent {
  return {
    id: 5,
    title: "Interview: Anna Berg – Compiler engineer",
    starts_at: utc(2024, 3, 5, 8),
    ends_at: utc(2024, 3, 5, 9),
    time_zone: WARSAW,
    is_all_day: false,
    location: "Room 2",
    is_online_meeting: true,
    notes: "Bring the take-home.",
    candidate_id: 7,
    job_id: 42,
    attendees: [{ address: "wei@example.com", display_name: "Wei Zhang", attendance: "optional" }],
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

const messages: FormMessages = {
  titleRequired: "title required",
  badDate: "bad date",
  badTime: "bad time",
  endBeforeStart: "end before start",
  lastDayBeforeFirst: "last day before first",
  badTimeZone: "bad zone",
  badAttendee: (text) => `bad attendee ${text}`,
};

describe("the event form", () => {
  it("shows an event's times on the wall clock of its own zone", () => {
    const form = formFromEvent(event(), NEW_YORK);
    expect(form).toMatchObject({
      title: "Interview: Anna Berg – Compiler engineer",
      allDay: false,
      startDate: "2024-03-05",
      startTime: "09:00",
      endDate: "2024-03-05",
      endTime: "10:00",
      timeZone: WARSAW,
      location: "Room 2",
      online: true,
      attendees: "Wei Zhang <wei@example.com>",
      candidate: { id: 7, name: "Anna Berg" },
      job: { id: 42, name: "Compiler engineer" },
    });
  });

  it("shows an all-day event's last day, not Graph's exclusive midnight after it", () => {
    const form = formFromEvent(
      event({ is_all_day: true, starts_at: utc(2024, 3, 4, 23), ends_at: utc(2024, 3, 7, 23) }),
      NEW_YORK,
    );
    expect([form.startDate, form.endDate]).toEqual(["2024-03-05", "2024-03-07"]);
  });

  it("saves what the form shows, read in the form's zone", () => {
    const form = formFromEvent(event(), NEW_YORK);
    const { input } = toInput({ ...form, startTime: "14:30", endTime: "15:15" }, messages, event().attendees);
    expect(input).toEqual({
      title: "Interview: Anna Berg – Compiler engineer",
      starts_at: utc(2024, 3, 5, 13, 30),
      ends_at: utc(2024, 3, 5, 14, 15),
      time_zone: WARSAW,
      is_all_day: false,
      location: "Room 2",
      is_online_meeting: true,
      notes: "Bring the take-home.",
      candidate_id: 7,
      job_id: 42,
      attendees: [{ address: "wei@example.com", display_name: "Wei Zhang", attendance: "optional" }],
    });
    const inNewYork = toInput({ ...form, timeZone: NEW_YORK }, messages).input;
    expect(inNewYork?.starts_at, "a different zone reads the same wall time as another instant").toBe(utc(2024, 3, 5, 14));
  });

  it("saves an all-day event from midnight of its first day to midnight after its last, in its zone", () => {
    const form: EventForm = { ...formFromEvent(event(), WARSAW), allDay: true, startDate: "2024-03-30", endDate: "2024-03-31" };
    const { input } = toInput(form, messages);
    expect(input?.is_all_day).toBe(true);
    expect(input?.starts_at).toBe(utc(2024, 3, 29, 23));
    expect(input?.ends_at, "1 April starts at 22:00 UTC: summer time began on the 31st").toBe(utc(2024, 3, 31, 22));
  });

  it("starts a new event where it was asked for, linked to what the record page passed", () => {
    const anna = { id: 7, name: "Anna Berg" };
    const form = newForm({ startsAt: utc(2024, 3, 5, 15), endsAt: utc(2024, 3, 5, 16), allDay: false }, NEW_YORK, {
      candidate: anna,
      title: "Interview: Anna Berg",
    });
    expect(form).toMatchObject({
      title: "Interview: Anna Berg",
      startDate: "2024-03-05",
      startTime: "10:00",
      endTime: "11:00",
      timeZone: NEW_YORK,
      candidate: anna,
      job: null,
      attendees: "",
    });
    const day = newForm({ startsAt: utc(2024, 3, 5, 5), endsAt: utc(2024, 3, 6, 5), allDay: true }, NEW_YORK);
    expect([day.allDay, day.startDate, day.endDate]).toEqual([true, "2024-03-05", "2024-03-05"]);
  });

  it("offers the hour clicked, the next full hour today, or 09:00 on another day", () => {
    const march5 = { year: 2024, month: 3, day: 5 };
    expect(hourSlot(march5, 14, WARSAW)).toEqual({ startsAt: utc(2024, 3, 5, 13), endsAt: utc(2024, 3, 5, 14), allDay: false });
    expect(hourSlot(march5, 23, WARSAW).endsAt, "the last hour ends at midnight").toBe(utc(2024, 3, 5, 23));
    const skipped = hourSlot({ year: 2024, month: 3, day: 31 }, 2, WARSAW);
    expect(skipped, "the hour the clocks skip: 03:00 to 04:00 CEST").toEqual({
      startsAt: utc(2024, 3, 31, 1),
      endsAt: utc(2024, 3, 31, 2),
      allDay: false,
    });
    expect(daySlot(march5, NEW_YORK)).toEqual({ startsAt: utc(2024, 3, 5, 5), endsAt: utc(2024, 3, 6, 5), allDay: true });
    const now = utc(2024, 3, 5, 13, 20); // 14:20 in Warsaw
    expect(defaultStart(march5, now, WARSAW).startsAt).toBe(utc(2024, 3, 5, 14));
    expect(defaultStart({ year: 2024, month: 3, day: 8 }, now, WARSAW).startsAt).toBe(utc(2024, 3, 8, 8));
    // In Kolkata (UTC+5:30) the next full hour is not a full hour in UTC.
    expect(defaultStart({ year: 2024, month: 3, day: 5 }, now, "Asia/Kolkata").startsAt).toBe(utc(2024, 3, 5, 13, 30));
  });

  it("names an interview after what is linked", () => {
    const names = {
      both: (c: string, j: string) => `Interview: ${c} – ${j}`,
      candidate: (c: string) => `Interview: ${c}`,
      job: (j: string) => `Interview for ${j}`,
    };
    const anna = { id: 7, name: "Anna Berg" };
    const job = { id: 42, name: "Compiler engineer" };
    expect(interviewTitle(anna, job, names)).toBe("Interview: Anna Berg – Compiler engineer");
    expect(interviewTitle(anna, null, names)).toBe("Interview: Anna Berg");
    expect(interviewTitle(null, job, names)).toBe("Interview for Compiler engineer");
    expect(interviewTitle(null, null, names)).toBe("");
  });

  it("moves the end with the start, so the event keeps its length", () => {
    const form = { ...formFromEvent(event(), WARSAW), startTime: "23:30" };
    expect(keepDuration(form, { date: "2024-03-05", time: "09:00" })).toEqual({ date: "2024-03-06", time: "00:30" });
    const allDay = { ...form, allDay: true, startDate: "2024-03-10", endDate: "2024-03-06" };
    expect(keepDuration(allDay, { date: "2024-03-05", time: "09:00" }).date).toBe("2024-03-11");
    expect(keepDuration({ ...form, startDate: "" }, { date: "2024-03-05", time: "09:00" }), "unreadable: unchanged").toEqual({
      date: "2024-03-05",
      time: "10:00",
    });
  });
});

describe("validation", () => {
  const valid = formFromEvent(event(), WARSAW);

  it("requires a title and an end after the start", () => {
    expect(toInput({ ...valid, title: "  " }, messages).errors).toEqual({ title: "title required" });
    expect(toInput({ ...valid, endTime: "09:00" }, messages).errors, "ending as it starts").toEqual({
      ends_at: "end before start",
    });
    expect(toInput({ ...valid, endDate: "2024-03-04", endTime: "23:00" }, messages).errors).toEqual({
      ends_at: "end before start",
    });
    expect(toInput({ ...valid, allDay: true, endDate: "2024-03-04" }, messages).errors).toEqual({
      ends_at: "last day before first",
    });
    expect(toInput({ ...valid, allDay: true, endDate: "2024-03-05" }, messages).errors, "one day is fine").toBeNull();
  });

  it("refuses missing dates and times, and unknown zones", () => {
    expect(toInput({ ...valid, startDate: "" }, messages).errors).toEqual({ starts_at: "bad date" });
    expect(toInput({ ...valid, endTime: "" }, messages).errors).toEqual({ ends_at: "bad time" });
    expect(toInput({ ...valid, allDay: true, startTime: "" }, messages).errors, "an all-day event has no time").toBeNull();
    expect(toInput({ ...valid, timeZone: "Mars/Base" }, messages).errors).toEqual({ time_zone: "bad zone" });
  });

  it("lists the attendee lines that are not addresses", () => {
    const result = toInput({ ...valid, attendees: "wei@example.com\nnot an address\nanna@example" }, messages);
    expect(result.errors).toEqual({ attendees: "bad attendee not an address, anna@example" });
  });
});

describe("parseAttendees", () => {
  it("reads one attendee a line, names included, dropping blanks and repeats", () => {
    expect(
      parseAttendees("anna@example.com\n\n  Wei Zhang <wei@example.com>; \"Nowak, Zofia\" <zofia@example.pl>\nANNA@example.com"),
    ).toEqual({
      attendees: [
        { address: "anna@example.com", display_name: null, attendance: "required" },
        { address: "wei@example.com", display_name: "Wei Zhang", attendance: "required" },
        { address: "zofia@example.pl", display_name: "Nowak, Zofia", attendance: "required" },
      ],
      invalid: [],
    });
  });

  it("keeps an existing attendee's name and attendance", () => {
    const existing = [{ address: "room@example.com", display_name: "Room 2", attendance: "resource" }];
    expect(parseAttendees("ROOM@example.com", existing).attendees).toEqual([
      { address: "ROOM@example.com", display_name: "Room 2", attendance: "resource" },
    ]);
  });
});

describe("record pages", () => {
  it("list upcoming events soonest first, an ongoing one included, and past ones latest first", () => {
    const now = utc(2024, 3, 5, 12);
    const events = [
      event({ id: 1, starts_at: utc(2024, 3, 1, 9), ends_at: utc(2024, 3, 1, 10) }),
      event({ id: 2, starts_at: utc(2024, 3, 9, 9), ends_at: utc(2024, 3, 9, 10) }),
      event({ id: 3, starts_at: utc(2024, 3, 5, 11), ends_at: utc(2024, 3, 5, 13) }),
      event({ id: 4, starts_at: utc(2024, 3, 4, 9), ends_at: utc(2024, 3, 4, 10) }),
      event({ id: 5, starts_at: utc(2024, 3, 5, 11), ends_at: utc(2024, 3, 5, 12) }),
    ];
    const { upcoming, past } = splitByTime(events, now);
    expect(upcoming.map((e) => e.id)).toEqual([3, 2]);
    expect(past.map((e) => e.id), "one ending now is past").toEqual([5, 4, 1]);
  });

  it("say when an event happens, all-day ones by their dates", () => {
    const allDay = (dates: string) => `${dates} (all day)`;
    expect(plain(formatWhen(event(), "en-US", NEW_YORK, allDay))).toBe("Mar 5, 2024, 3:00 – 4:00 AM");
    expect(formatWhen(event(), "en-GB", WARSAW, allDay)).toContain("09:00");
    const holiday = event({ is_all_day: true, starts_at: utc(2024, 3, 4, 23), ends_at: utc(2024, 3, 5, 23) });
    expect(formatWhen(holiday, "en-US", NEW_YORK, allDay)).toBe("Mar 5, 2024 (all day)");
    const trip = { ...holiday, ends_at: utc(2024, 3, 7, 23) };
    expect(plain(formatWhen(trip, "en-US", NEW_YORK, allDay))).toBe("Mar 5 – 7, 2024 (all day)");
  });
});
