// Calendar arithmetic in IANA time zones, with nothing but Intl. Instants are Unix seconds, as
// they cross the IPC boundary; days are civil dates (year, month 1–12, day), computed with plain
// integer arithmetic so no Date quirk (two-digit years, the machine's own zone) can leak in.
// Every function takes the zone explicitly: the page passes the OS zone, tests pin their own.

export type CivilDate = { year: number; month: number; day: number };
export type WallTime = CivilDate & { hour: number; minute: number; second?: number };
export type CalendarView = "day" | "week" | "month";
/** Instants from `from` (included) to `to` (excluded), the way the core selects events. */
export type Range = { from: number; to: number };
/** 0 = Sunday, 1 = Monday, as Date.getDay counts. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export const DAY_SECONDS = 86_400;
export const DAY_MINUTES = 1_440;

// ---- Civil dates ----

/** Days since 1970-01-01 (Howard Hinnant's days_from_civil, valid for any proleptic Gregorian date). */
export function daysFromCivil({ year, month, day }: CivilDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The inverse of daysFromCivil. */
export function civilFromDays(days: number): CivilDate {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function addDays(date: CivilDate, days: number): CivilDate {
  return civilFromDays(daysFromCivil(date) + days);
}

export function daysInMonth(year: number, month: number): number {
  return daysFromCivil(month === 12 ? { year: year + 1, month: 1, day: 1 } : { year, month: month + 1, day: 1 }) -
    daysFromCivil({ year, month, day: 1 });
}

/** The same day `months` months later, or the month's last day when it is shorter (31 Jan + 1 = 29 Feb). */
export function addMonths(date: CivilDate, months: number): CivilDate {
  const index = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

export function weekday(date: CivilDate): Weekday {
  // 1970-01-01 was a Thursday.
  return ((((daysFromCivil(date) + 4) % 7) + 7) % 7) as Weekday;
}

/** Negative when `a` is before `b`, in days. */
export function compareDates(a: CivilDate, b: CivilDate): number {
  return daysFromCivil(a) - daysFromCivil(b);
}

export function sameDate(a: CivilDate, b: CivilDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** "2024-03-05": a stable key, and the value an `<input type="date">` takes. */
export function dateKey({ year, month, day }: CivilDate): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** The date an `<input type="date">` holds, or null for "" or an impossible date (2023-02-29). */
export function parseDateKey(text: string): CivilDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  return sameDate(civilFromDays(daysFromCivil(date)), date) ? date : null;
}

/** "09:30", the value an `<input type="time">` takes. */
export function timeKey(hour: number, minute: number): string {
  return `${pad(hour)}:${pad(minute)}`;
}

/** Hours and minutes from an `<input type="time">` ("09:30", or "09:30:15" in some engines). */
export function parseTimeKey(text: string): { hour: number; minute: number } | null {
  const match = /^(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(text.trim());
  if (!match) return null;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  return hour < 24 && minute < 60 ? { hour, minute } : null;
}

// ---- Instants and wall-clock times in a zone ----

/** The wall time as if the zone were UTC: the "local seconds" the offset arithmetic works on. */
function localSeconds(wall: WallTime): number {
  return daysFromCivil(wall) * DAY_SECONDS + wall.hour * 3600 + wall.minute * 60 + (wall.second ?? 0);
}

// One formatter per zone: building one costs far more than formatting with it.
const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = zoneFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    zoneFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True for a zone Intl knows ("Europe/Warsaw", "UTC"); false for "Mars/Base" or "". */
export function isTimeZone(timeZone: string): boolean {
  if (timeZone === "") return false;
  try {
    zoneFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time at an instant in a zone. */
export function toZoned(unixSeconds: number, timeZone: string): Required<WallTime> {
  const parts = zoneFormatter(timeZone).formatToParts(new Date(Math.floor(unixSeconds) * 1000));
  const value = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: value("year"),
    month: value("month"),
    day: value("day"),
    // Some engines still write midnight as 24 even with h23.
    hour: value("hour") % 24,
    minute: value("minute"),
    second: value("second"),
  };
}

/** Seconds the zone is ahead of UTC at an instant: 3600 for Warsaw in winter, -14400 for New York in summer. */
export function zoneOffset(unixSeconds: number, timeZone: string): number {
  const instant = Math.floor(unixSeconds);
  return localSeconds(toZoned(instant, timeZone)) - instant;
}

/** What to do with a wall time the clocks pass twice (the hour after summer time ends). */
export type Ambiguity = "earlier" | "later";

/**
 * The instant a wall-clock time in a zone stands for. The offset is read a day either side
 * (between them lies at most one change of offset) and each offset is tried: the one that gives
 * back the same wall time is the answer. In an overlap both do, and `ambiguity` picks one. In a
 * gap (02:30 on the night clocks go forward) neither does: the time is read with the offset
 * before the change, which lands as far past the gap as it fell into it (03:30), as Temporal's
 * "compatible" disambiguation and Outlook do.
 */
export function fromZoned(wall: WallTime, timeZone: string, ambiguity: Ambiguity = "earlier"): number {
  const local = localSeconds(wall);
  const before = zoneOffset(local - DAY_SECONDS, timeZone);
  const after = zoneOffset(local + DAY_SECONDS, timeZone);
  const candidates = [...new Set([local - before, local - after])]
    .filter((instant) => localSeconds(toZoned(instant, timeZone)) === local)
    .sort((a, b) => a - b);
  const found = ambiguity === "earlier" ? candidates[0] : candidates[candidates.length - 1];
  return found ?? local - before;
}

/** The civil date at an instant in a zone. */
export function dateOf(unixSeconds: number, timeZone: string): CivilDate {
  const { year, month, day } = toZoned(unixSeconds, timeZone);
  return { year, month, day };
}

/** Minutes since the day's midnight on the wall clock (not elapsed time: a DST day still runs 0–1440). */
export function minuteOfDay(unixSeconds: number, timeZone: string): number {
  const { hour, minute } = toZoned(unixSeconds, timeZone);
  return hour * 60 + minute;
}

/** The first instant of a day in a zone: midnight, or the end of the gap where clocks skip midnight. */
export function startOfDay(date: CivilDate, timeZone: string): number {
  return fromZoned({ ...date, hour: 0, minute: 0 }, timeZone);
}

// ---- Weeks, months and the views' ranges ----

// Regions whose calendars start the week on Sunday (CLDR's list, trimmed to the large ones).
// China is left out on purpose: CLDR says Sunday, but Chinese calendars and GB/T 7408 start on
// Monday, as Candor's Chinese-speaking users expect. Everything else starts on Monday (ISO 8601).
const SUNDAY_FIRST = new Set(["US", "CA", "MX", "BR", "JP", "KR", "TW", "HK", "IL", "IN", "PH", "SA", "ZA"]);

/** The weekday a locale's weeks start on: Sunday for en-US (and plain "en"), Monday for pl, zh, en-GB. */
export function firstDayOfWeek(locale: string): Weekday {
  let region: string | undefined;
  try {
    region = new Intl.Locale(locale).maximize().region;
  } catch {
    return 1;
  }
  return region !== undefined && SUNDAY_FIRST.has(region) ? 0 : 1;
}

export function startOfWeek(date: CivilDate, firstDay: Weekday): CivilDate {
  return addDays(date, -((weekday(date) - firstDay + 7) % 7));
}

export function startOfMonth(date: CivilDate): CivilDate {
  return { year: date.year, month: date.month, day: 1 };
}

/** The instants from the first day's start to the start of the day after the last one. */
export function rangeOfDays(first: CivilDate, last: CivilDate, timeZone: string): Range {
  return { from: startOfDay(first, timeZone), to: startOfDay(addDays(last, 1), timeZone) };
}

export function dayRange(date: CivilDate, timeZone: string): Range {
  return rangeOfDays(date, date, timeZone);
}

export function weekRange(date: CivilDate, timeZone: string, firstDay: Weekday): Range {
  const first = startOfWeek(date, firstDay);
  return rangeOfDays(first, addDays(first, 6), timeZone);
}

export function monthRange(date: CivilDate, timeZone: string): Range {
  const first = startOfMonth(date);
  return rangeOfDays(first, addDays(addMonths(first, 1), -1), timeZone);
}

export type GridCell = { date: CivilDate; inMonth: boolean };

/**
 * The month view's 6 weeks × 7 days: always six rows, so the page does not jump between months,
 * starting with the week that holds the 1st.
 */
export function monthGrid(date: CivilDate, firstDay: Weekday): GridCell[][] {
  const first = startOfWeek(startOfMonth(date), firstDay);
  return Array.from({ length: 6 }, (_, week) =>
    Array.from({ length: 7 }, (_, index) => {
      const cell = addDays(first, week * 7 + index);
      return { date: cell, inMonth: cell.month === date.month };
    }),
  );
}

/** The days a view shows around `anchor`, the day in focus. */
export function viewDays(view: CalendarView, anchor: CivilDate, firstDay: Weekday): CivilDate[] {
  switch (view) {
    case "day":
      return [anchor];
    case "week": {
      const first = startOfWeek(anchor, firstDay);
      return Array.from({ length: 7 }, (_, i) => addDays(first, i));
    }
    case "month":
      return monthGrid(anchor, firstDay).flat().map((cell) => cell.date);
  }
}

/** What a view shows, as instants: the month view covers its whole grid, leading and trailing days included. */
export function viewRange(view: CalendarView, anchor: CivilDate, timeZone: string, firstDay: Weekday): Range {
  const days = viewDays(view, anchor, firstDay);
  return rangeOfDays(days[0] ?? anchor, days[days.length - 1] ?? anchor, timeZone);
}

/** The anchor one step earlier (-1) or later (1): a day, a week or a month. */
export function shiftAnchor(view: CalendarView, anchor: CivilDate, direction: -1 | 1): CivilDate {
  switch (view) {
    case "day":
      return addDays(anchor, direction);
    case "week":
      return addDays(anchor, 7 * direction);
    case "month":
      return addMonths(anchor, direction);
  }
}

// ---- Events on days ----

type Timed = { starts_at: number; ends_at: number };
type AllDay = Timed & { time_zone: string };

/** True when a timed event takes up part of [range.from, range.to); an instant event counts where it is. */
export function overlaps(event: Timed, range: Range): boolean {
  return event.starts_at < range.to && Math.max(event.ends_at, event.starts_at + 1) > range.from;
}

/**
 * The dates an all-day event covers, first included, end excluded. They are the dates in the
 * event's own zone (a holiday on 5 March is on 5 March wherever it is looked at), as Microsoft
 * Graph stores them: midnight of the first day to midnight after the last, in `time_zone`.
 */
export function allDaySpan(event: AllDay, fallbackZone: string): { first: CivilDate; end: CivilDate } {
  const zone = isTimeZone(event.time_zone) ? event.time_zone : fallbackZone;
  const first = dateOf(event.starts_at, zone);
  const end = dateOf(event.ends_at, zone);
  return { first, end: compareDates(end, first) > 0 ? end : addDays(first, 1) };
}

export function coversDay(span: { first: CivilDate; end: CivilDate }, date: CivilDate): boolean {
  return compareDates(span.first, date) <= 0 && compareDates(date, span.end) < 0;
}

/** A timed event placed in a day column: minutes from the top of the day, and its column among overlapping ones. */
export type Placed<T> = { event: T; top: number; bottom: number; column: number; columns: number };

/**
 * Lays out a day column's timed events: each one from its start to its end on the wall clock
 * (clipped to the day; at least `minMinutes` tall so a short one stays readable), and events that
 * overlap side by side. Overlapping events form a cluster; each takes the leftmost column free at
 * its start, and every event of a cluster is as narrow as the cluster has columns.
 */
export function layoutDay<T extends Timed>(
  events: readonly T[],
  date: CivilDate,
  timeZone: string,
  minMinutes = 15,
): Placed<T>[] {
  const range = dayRange(date, timeZone);
  const placed = events
    .filter((event) => overlaps(event, range))
    .map((event, index) => {
      let top = event.starts_at <= range.from ? 0 : minuteOfDay(event.starts_at, timeZone);
      let bottom = event.ends_at >= range.to ? DAY_MINUTES : minuteOfDay(event.ends_at, timeZone);
      // The night clocks go back, 02:40 CEST to 02:10 CET ends "before" it starts on the wall clock.
      bottom = Math.max(bottom, top + minMinutes);
      if (bottom > DAY_MINUTES) {
        bottom = DAY_MINUTES;
        top = Math.min(top, DAY_MINUTES - minMinutes);
      }
      return { event, top, bottom, column: 0, columns: 1, index };
    })
    // Earliest first; of those starting together the longest first, so it gets the left column.
    .sort((a, b) => a.top - b.top || b.bottom - a.bottom || a.index - b.index);

  let cluster: typeof placed = [];
  let clusterEnd = -1;
  let columnEnds: number[] = [];
  const close = () => {
    for (const item of cluster) item.columns = columnEnds.length;
    cluster = [];
    columnEnds = [];
  };
  for (const item of placed) {
    // Nothing before it reaches its start: a new cluster, as wide as it needs on its own.
    if (item.top >= clusterEnd) close();
    let column = columnEnds.findIndex((end) => end <= item.top);
    if (column < 0) column = columnEnds.push(0) - 1;
    columnEnds[column] = item.bottom;
    item.column = column;
    cluster.push(item);
    clusterEnd = Math.max(...columnEnds);
  }
  close();
  return placed.map(({ event, top, bottom, column, columns }) => ({ event, top, bottom, column, columns }));
}

// ---- Labels ----

// A week view formats a few hundred labels a render; building a formatter costs far more than using one.
const labelFormatters = new Map<string, Intl.DateTimeFormat>();

function labelFormatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let formatter = labelFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, options);
    labelFormatters.set(key, formatter);
  }
  return formatter;
}

// Civil dates are formatted as noon UTC in UTC: the date is the same whatever the machine's zone.
function civilInstant(date: CivilDate): Date {
  return new Date((daysFromCivil(date) * DAY_SECONDS + 12 * 3600) * 1000);
}

export function formatCivilDate(date: CivilDate, locale: string, options: Intl.DateTimeFormatOptions): string {
  return labelFormatter(locale, { ...options, timeZone: "UTC" }).format(civilInstant(date));
}

/** "9:00 AM" in en-US, "09:00" in pl: a time on the wall clock, with no zone involved. */
export function formatWallTime(hour: number, minute: number, locale: string): string {
  return labelFormatter(locale, { hour: "numeric", minute: "2-digit", timeZone: "UTC" }).format(
    new Date((hour * 3600 + minute * 60) * 1000),
  );
}

export function formatTime(unixSeconds: number, locale: string, timeZone: string): string {
  return labelFormatter(locale, { timeStyle: "short", timeZone }).format(new Date(unixSeconds * 1000));
}

/** The heading of a view: "Tuesday, March 5, 2024", "Mar 3 – 9, 2024", "March 2024". */
export function viewTitle(view: CalendarView, anchor: CivilDate, locale: string, firstDay: Weekday): string {
  switch (view) {
    case "day":
      return formatCivilDate(anchor, locale, { dateStyle: "full" });
    case "week": {
      const days = viewDays("week", anchor, firstDay);
      const format = labelFormatter(locale, { dateStyle: "medium", timeZone: "UTC" });
      return format.formatRange(civilInstant(days[0] ?? anchor), civilInstant(days[6] ?? anchor));
    }
    case "month":
      return formatCivilDate(anchor, locale, { year: "numeric", month: "long" });
  }
}
