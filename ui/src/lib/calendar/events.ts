// The event editor's form model and the small rules around events, kept out of the components
// so they can be tested without a DOM: wall-clock fields in the event's zone to and from Unix
// seconds, validation, attendees as text, and how record pages split events into upcoming and past.

import type { CalendarEvent, EventAttendee, EventInput } from "../ipc/api";
import { splitAddresses } from "../mail/compose";
import {
  addDays,
  allDaySpan,
  civilFromDays,
  compareDates,
  dateKey,
  dateOf,
  daysFromCivil,
  fromZoned,
  isTimeZone,
  parseDateKey,
  parseTimeKey,
  sameDate,
  startOfDay,
  timeKey,
  toZoned,
  type CivilDate,
} from "./time";

/** A candidate or job opening linked to an event, with the name the editor shows. */
export type LinkedRecord = { id: number; name: string };

/** What the editor's fields hold: dates and times as their inputs write them, in `timeZone`. */
export type EventForm = {
  title: string;
  allDay: boolean;
  startDate: string;
  startTime: string;
  /** For an all-day event, the last day (included), as people say "5 to 7 March". */
  endDate: string;
  endTime: string;
  timeZone: string;
  location: string;
  online: boolean;
  /** One attendee a line: an address, or "Name <address>". */
  attendees: string;
  notes: string;
  candidate: LinkedRecord | null;
  job: LinkedRecord | null;
};

/** Messages keyed by the EventInput field they are about, as the core names them in its failures. */
export type FormErrors = { [field: string]: string };

export type FormMessages = {
  titleRequired: string;
  badDate: string;
  badTime: string;
  endBeforeStart: string;
  lastDayBeforeFirst: string;
  badTimeZone: string;
  badAttendee: (text: string) => string;
};

function wallFields(unixSeconds: number, timeZone: string): { date: string; time: string } {
  const wall = toZoned(unixSeconds, timeZone);
  return { date: dateKey(wall), time: timeKey(wall.hour, wall.minute) };
}

/** Where a new event starts: a time (a slot or "New event") or a day (the month view). */
export type NewEventStart = { startsAt: number; endsAt: number; allDay: boolean };

/**
 * The form for an existing event, in the event's own zone, or for a new one in `timeZone`. An
 * all-day event's end is shown as its last day: Graph's exclusive midnight is one day later.
 */
export function formFromEvent(event: CalendarEvent, fallbackZone: string): EventForm {
  const zone = isTimeZone(event.time_zone) ? event.time_zone : fallbackZone;
  const start = wallFields(event.starts_at, zone);
  const end = wallFields(event.ends_at, zone);
  const lastDay = event.is_all_day ? dateKey(addDays(allDaySpan(event, zone).end, -1)) : end.date;
  return {
    title: event.title,
    allDay: event.is_all_day,
    startDate: start.date,
    startTime: event.is_all_day ? "09:00" : start.time,
    endDate: lastDay,
    endTime: event.is_all_day ? "10:00" : end.time,
    timeZone: zone,
    location: event.location ?? "",
    online: event.is_online_meeting,
    attendees: event.attendees.map(formatAttendee).join("\n"),
    notes: event.notes,
    candidate: event.candidate_id === null ? null : { id: event.candidate_id, name: event.candidate_name ?? "" },
    job: event.job_id === null ? null : { id: event.job_id, name: event.job_name ?? "" },
  };
}

/** An all-day start ends at a midnight, excluded; the form shows the day before it. */
function lastDayOf(start: NewEventStart, timeZone: string): CivilDate {
  const first = dateOf(start.startsAt, timeZone);
  const last = addDays(dateOf(start.endsAt, timeZone), -1);
  return compareDates(last, first) < 0 ? first : last;
}

export function newForm(
  start: NewEventStart,
  timeZone: string,
  links: { candidate?: LinkedRecord | null; job?: LinkedRecord | null; title?: string } = {},
): EventForm {
  const from = wallFields(start.startsAt, timeZone);
  const to = wallFields(start.endsAt, timeZone);
  return {
    title: links.title ?? "",
    allDay: start.allDay,
    startDate: from.date,
    startTime: start.allDay ? "09:00" : from.time,
    endDate: start.allDay ? dateKey(lastDayOf(start, timeZone)) : to.date,
    endTime: start.allDay ? "10:00" : to.time,
    timeZone,
    location: "",
    online: false,
    attendees: "",
    notes: "",
    candidate: links.candidate ?? null,
    job: links.job ?? null,
  };
}

/** A new event in an hour's slot of the day and week views: that hour, an hour long. */
export function hourSlot(date: CivilDate, hour: number, timeZone: string): NewEventStart {
  const startsAt = fromZoned({ ...date, hour, minute: 0 }, timeZone);
  const end = hour >= 23 ? { ...addDays(date, 1), hour: 0, minute: 0 } : { ...date, hour: hour + 1, minute: 0 };
  // The hour clocks skip (02:00 on the spring night) starts and ends at 03:00: keep it an hour long.
  return { startsAt, endsAt: Math.max(fromZoned(end, timeZone), startsAt + 3600), allDay: false };
}

/** A new all-day event on a day of the month view. */
export function daySlot(date: CivilDate, timeZone: string): NewEventStart {
  return { startsAt: startOfDay(date, timeZone), endsAt: startOfDay(addDays(date, 1), timeZone), allDay: true };
}

/** "New event": today the next full hour on the wall clock, on another day 09:00. */
export function defaultStart(date: CivilDate, now: number, timeZone: string): NewEventStart {
  if (!sameDate(date, dateOf(now, timeZone))) return hourSlot(date, 9, timeZone);
  const { hour } = toZoned(now, timeZone);
  return hour >= 23 ? hourSlot(addDays(date, 1), 0, timeZone) : hourSlot(date, hour + 1, timeZone);
}

/** The default title of an interview, from what is linked. */
export function interviewTitle(
  candidate: LinkedRecord | null | undefined,
  job: LinkedRecord | null | undefined,
  messages: {
    both: (candidate: string, job: string) => string;
    candidate: (name: string) => string;
    job: (name: string) => string;
  },
): string {
  if (candidate && job) return messages.both(candidate.name, job.name);
  if (candidate) return messages.candidate(candidate.name);
  if (job) return messages.job(job.name);
  return "";
}

export function formatAttendee(attendee: EventAttendee): string {
  return attendee.display_name ? `${attendee.display_name} <${attendee.address}>` : attendee.address;
}

// Deliberately loose, as mail clients are: something@something.tld, no spaces or brackets.
const ADDRESS = /^[^\s@<>(),;"]+@[^\s@<>(),;"]+\.[^\s@<>(),;".]+$/;

export function looksLikeAddress(text: string): boolean {
  return ADDRESS.test(text);
}

/**
 * The attendees written in the field, one a line (commas and semicolons outside quotes also
 * separate them, as in To).
 * Someone already on the event keeps their name and attendance (optional, resource); a new one
 * is required. Returns the lines that are not addresses, for the error message.
 */
export function parseAttendees(
  text: string,
  existing: readonly EventAttendee[] = [],
): { attendees: EventAttendee[]; invalid: string[] } {
  const attendees: EventAttendee[] = [];
  const invalid: string[] = [];
  const seen = new Set<string>();
  for (const raw of splitAddresses(text)) {
    const line = raw.trim();
    if (line === "") continue;
    const named = /^"?([^"<]*?)"?\s*<([^<>]+)>$/.exec(line);
    const address = (named ? named[2] : line)?.trim() ?? "";
    const name = named?.[1]?.trim() || null;
    if (!looksLikeAddress(address)) {
      invalid.push(line);
      continue;
    }
    const key = address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const before = existing.find((a) => a.address.toLowerCase() === key);
    attendees.push({
      address,
      display_name: name ?? before?.display_name ?? null,
      attendance: before?.attendance ?? "required",
    });
  }
  return { attendees, invalid };
}

/** Minutes since 1970 on the wall clock, for moving the end along with the start. */
function wallMinutes(date: string, time: string): number | null {
  const d = parseDateKey(date);
  const tm = parseTimeKey(time);
  return d && tm ? daysFromCivil(d) * 1440 + tm.hour * 60 + tm.minute : null;
}

function fromWallMinutes(minutes: number): { date: string; time: string } {
  const days = Math.floor(minutes / 1440);
  const rest = minutes - days * 1440;
  return { date: dateKey(civilFromDays(days)), time: timeKey(Math.floor(rest / 60), rest % 60) };
}

/**
 * The end after the start moved from `previous`: the event keeps its length, as calendar apps do,
 * so moving a one-hour interview to 14:00 makes it end at 15:00. Unchanged when either is unreadable.
 */
export function keepDuration(form: EventForm, previous: { date: string; time: string }): { date: string; time: string } {
  const before = wallMinutes(previous.date, previous.time);
  const end = wallMinutes(form.endDate, form.endTime);
  const start = wallMinutes(form.startDate, form.allDay ? "00:00" : form.startTime);
  if (before === null || end === null || start === null) return { date: form.endDate, time: form.endTime };
  const moved = fromWallMinutes(start + (end - before));
  return form.allDay ? { date: moved.date, time: form.endTime } : moved;
}

/**
 * The EventInput the form describes, or what is wrong with it. Times are read in the form's zone
 * (a gap time is moved past the gap, see fromZoned); all-day events run from midnight of the first
 * day to midnight after the last, in that zone.
 */
export function toInput(
  form: EventForm,
  messages: FormMessages,
  existing: readonly EventAttendee[] = [],
): { input: EventInput; errors: null } | { input: null; errors: FormErrors } {
  const errors: FormErrors = {};
  const title = form.title.trim();
  if (title === "") errors.title = messages.titleRequired;
  const zoneOk = isTimeZone(form.timeZone);
  if (!zoneOk) errors.time_zone = messages.badTimeZone;

  const startDate = parseDateKey(form.startDate);
  const endDate = parseDateKey(form.endDate);
  if (!startDate) errors.starts_at = messages.badDate;
  if (!endDate) errors.ends_at = messages.badDate;
  let startsAt = 0;
  let endsAt = 0;
  if (form.allDay) {
    if (startDate && endDate && compareDates(endDate, startDate) < 0) errors.ends_at = messages.lastDayBeforeFirst;
    if (startDate && endDate && zoneOk) {
      startsAt = fromZoned({ ...startDate, hour: 0, minute: 0 }, form.timeZone);
      endsAt = fromZoned({ ...addDays(endDate, 1), hour: 0, minute: 0 }, form.timeZone);
    }
  } else {
    const startTime = parseTimeKey(form.startTime);
    const endTime = parseTimeKey(form.endTime);
    if (startDate && !startTime) errors.starts_at = messages.badTime;
    if (endDate && !endTime) errors.ends_at = messages.badTime;
    if (startDate && endDate && startTime && endTime && zoneOk) {
      startsAt = fromZoned({ ...startDate, ...startTime }, form.timeZone);
      endsAt = fromZoned({ ...endDate, ...endTime }, form.timeZone);
      if (endsAt <= startsAt) errors.ends_at = messages.endBeforeStart;
    }
  }

  const { attendees, invalid } = parseAttendees(form.attendees, existing);
  if (invalid.length > 0) errors.attendees = messages.badAttendee(invalid.join(", "));

  if (Object.keys(errors).length > 0) return { input: null, errors };
  return {
    input: {
      title,
      starts_at: startsAt,
      ends_at: endsAt,
      time_zone: form.timeZone,
      is_all_day: form.allDay,
      location: form.location.trim() === "" ? null : form.location.trim(),
      is_online_meeting: form.online,
      notes: form.notes,
      candidate_id: form.candidate?.id ?? null,
      job_id: form.job?.id ?? null,
      attendees,
    },
    errors: null,
  };
}

export function isInterview(event: Pick<CalendarEvent, "candidate_id" | "job_id">): boolean {
  return event.candidate_id !== null && event.job_id !== null;
}

/**
 * A record page's events: upcoming ones (including one going on now) soonest first, past ones
 * most recent first.
 */
export function splitByTime<T extends Pick<CalendarEvent, "starts_at" | "ends_at">>(
  events: readonly T[],
  now: number,
): { upcoming: T[]; past: T[] } {
  const upcoming = events.filter((e) => e.ends_at > now).sort((a, b) => a.starts_at - b.starts_at);
  const past = events.filter((e) => e.ends_at <= now).sort((a, b) => b.starts_at - a.starts_at);
  return { upcoming, past };
}

/**
 * When an event happens, for lists: "Mar 5, 2024, 9:00 – 10:00 AM" in `timeZone`, or for an
 * all-day event its dates in its own zone, with `allDay` wrapping them ("Mar 5, 2024 (all day)").
 */
export function formatWhen(
  event: Pick<CalendarEvent, "starts_at" | "ends_at" | "is_all_day" | "time_zone">,
  locale: string,
  timeZone: string,
  allDay: (dates: string) => string,
): string {
  if (event.is_all_day) {
    const span = allDaySpan(event, timeZone);
    const format = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
    const noon = (d: CivilDate) => new Date((daysFromCivil(d) * 86_400 + 43_200) * 1000);
    const last = addDays(span.end, -1);
    return allDay(
      compareDates(last, span.first) === 0
        ? format.format(noon(span.first))
        : format.formatRange(noon(span.first), noon(last)),
    );
  }
  const format = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone });
  return format.formatRange(new Date(event.starts_at * 1000), new Date(Math.max(event.ends_at, event.starts_at) * 1000));
}
