// Every test names its zone: none may depend on the zone of the machine running it.
import { describe, expect, it } from "vitest";
import {
  addDays,
  addMonths,
  allDaySpan,
  civilFromDays,
  coversDay,
  dateKey,
  dayRange,
  daysFromCivil,
  firstDayOfWeek,
  formatCivilDate,
  formatTime,
  formatWallTime,
  fromZoned,
  isTimeZone,
  layoutDay,
  monthGrid,
  monthRange,
  parseDateKey,
  parseTimeKey,
  shiftAnchor,
  startOfDay,
  toZoned,
  viewDays,
  viewRange,
  viewTitle,
  weekRange,
  weekday,
  zoneOffset,
  type CivilDate,
} from "./time";

const WARSAW = "Europe/Warsaw";
const NEW_YORK = "America/New_York";
const utc = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min) / 1000;
const day = (year: number, month: number, d: number): CivilDate => ({ year, month, day: d });
const keys = (dates: CivilDate[]) => dates.map(dateKey);
/** Intl puts narrow and thin no-break spaces around times and dashes; compare with plain ones. */
const plain = (s: string) => s.replace(/\s/g, " ");

describe("civil dates", () => {
  it("count days from 1970 both ways, leap days included", () => {
    expect(daysFromCivil(day(1970, 1, 1))).toBe(0);
    expect(daysFromCivil(day(2000, 3, 1))).toBe(utc(2000, 3, 1) / 86_400);
    expect(daysFromCivil(day(1969, 12, 31))).toBe(-1);
    for (let n = -800; n < 40_000; n += 97) {
      const date = civilFromDays(n);
      expect(daysFromCivil(date), dateKey(date)).toBe(n);
      expect(new Date(n * 86_400_000).toISOString().slice(0, 10)).toBe(dateKey(date));
    }
  });

  it("add days and months across month and year ends, keeping to the month's last day", () => {
    expect(dateKey(addDays(day(2024, 2, 28), 1))).toBe("2024-02-29");
    expect(dateKey(addDays(day(2023, 12, 31), 1))).toBe("2024-01-01");
    expect(dateKey(addMonths(day(2024, 1, 31), 1)), "February 2024 has 29 days").toBe("2024-02-29");
    expect(dateKey(addMonths(day(2023, 1, 31), 1))).toBe("2023-02-28");
    expect(dateKey(addMonths(day(2024, 12, 15), 1))).toBe("2025-01-15");
    expect(dateKey(addMonths(day(2024, 1, 15), -1))).toBe("2023-12-15");
    expect(weekday(day(2024, 3, 5)), "5 March 2024 was a Tuesday").toBe(2);
    expect(weekday(day(1969, 12, 28)), "a Sunday before 1970").toBe(0);
  });

  it("read the values of date and time inputs, refusing impossible ones", () => {
    expect(parseDateKey("2024-02-29")).toEqual(day(2024, 2, 29));
    expect(parseDateKey("2023-02-29"), "not a leap year").toBeNull();
    expect(parseDateKey("2024-13-01")).toBeNull();
    expect(parseDateKey("")).toBeNull();
    expect(parseTimeKey("09:30")).toEqual({ hour: 9, minute: 30 });
    expect(parseTimeKey("23:59:30"), "WebKit may add seconds").toEqual({ hour: 23, minute: 59 });
    expect(parseTimeKey("24:00")).toBeNull();
    expect(parseTimeKey("9:30"), "inputs always write two digits").toBeNull();
  });
});

describe("wall-clock time in a zone", () => {
  it("converts both ways in winter and summer", () => {
    expect(fromZoned({ ...day(2024, 1, 15), hour: 9, minute: 0 }, WARSAW)).toBe(utc(2024, 1, 15, 8));
    expect(fromZoned({ ...day(2024, 7, 15), hour: 9, minute: 0 }, WARSAW)).toBe(utc(2024, 7, 15, 7));
    expect(fromZoned({ ...day(2024, 1, 15), hour: 9, minute: 0 }, NEW_YORK)).toBe(utc(2024, 1, 15, 14));
    expect(fromZoned({ ...day(2024, 7, 15), hour: 9, minute: 0 }, NEW_YORK)).toBe(utc(2024, 7, 15, 13));
    expect(toZoned(utc(2024, 7, 15, 22, 45), WARSAW)).toEqual({ ...day(2024, 7, 16), hour: 0, minute: 45, second: 0 });
    expect(zoneOffset(utc(2024, 1, 15), WARSAW)).toBe(3600);
    expect(zoneOffset(utc(2024, 7, 15), NEW_YORK)).toBe(-4 * 3600);
  });

  it("moves a time in the spring-forward gap past the gap, as Outlook does", () => {
    // Warsaw, 31 March 2024: 02:00 CET became 03:00 CEST; 02:30 never happened.
    const warsaw = fromZoned({ ...day(2024, 3, 31), hour: 2, minute: 30 }, WARSAW);
    expect(warsaw).toBe(utc(2024, 3, 31, 1, 30));
    expect(toZoned(warsaw, WARSAW)).toMatchObject({ hour: 3, minute: 30 });
    // New York, 10 March 2024: 02:00 EST became 03:00 EDT.
    const newYork = fromZoned({ ...day(2024, 3, 10), hour: 2, minute: 30 }, NEW_YORK);
    expect(newYork).toBe(utc(2024, 3, 10, 7, 30));
    expect(toZoned(newYork, NEW_YORK)).toMatchObject({ hour: 3, minute: 30 });
    // Either side of the gap is untouched.
    expect(fromZoned({ ...day(2024, 3, 31), hour: 1, minute: 59 }, WARSAW)).toBe(utc(2024, 3, 31, 0, 59));
    expect(fromZoned({ ...day(2024, 3, 31), hour: 3, minute: 0 }, WARSAW)).toBe(utc(2024, 3, 31, 1));
  });

  it("picks the earlier of a time the clocks pass twice, or the later one on request", () => {
    // Warsaw, 27 October 2024: 03:00 CEST became 02:00 CET; 02:30 happened twice.
    const wall = { ...day(2024, 10, 27), hour: 2, minute: 30 };
    expect(fromZoned(wall, WARSAW)).toBe(utc(2024, 10, 27, 0, 30));
    expect(fromZoned(wall, WARSAW, "later")).toBe(utc(2024, 10, 27, 1, 30));
    // New York, 3 November 2024: 02:00 EDT became 01:00 EST; 01:30 happened twice.
    const ny = { ...day(2024, 11, 3), hour: 1, minute: 30 };
    expect(fromZoned(ny, NEW_YORK)).toBe(utc(2024, 11, 3, 5, 30));
    expect(fromZoned(ny, NEW_YORK, "later")).toBe(utc(2024, 11, 3, 6, 30));
  });

  it("round-trips every quarter hour of both transition weekends", () => {
    for (const [zone, from] of [
      [WARSAW, utc(2024, 3, 30)],
      [WARSAW, utc(2024, 10, 26)],
      [NEW_YORK, utc(2024, 3, 9)],
      [NEW_YORK, utc(2024, 11, 2)],
    ] as const) {
      for (let instant = from; instant < from + 3 * 86_400; instant += 900) {
        const wall = toZoned(instant, zone);
        const back = [fromZoned(wall, zone, "earlier"), fromZoned(wall, zone, "later")];
        expect(back, `${zone} ${new Date(instant * 1000).toISOString()}`).toContain(instant);
      }
    }
  });

  it("starts a day at midnight, or where the clocks skip midnight at the end of the gap", () => {
    expect(startOfDay(day(2024, 3, 31), WARSAW)).toBe(utc(2024, 3, 30, 23));
    // Santiago, 8 September 2024: clocks went from 00:00 straight to 01:00.
    expect(startOfDay(day(2024, 9, 8), "America/Santiago")).toBe(utc(2024, 9, 8, 4));
    const spring = dayRange(day(2024, 3, 31), WARSAW);
    const autumn = dayRange(day(2024, 10, 27), WARSAW);
    expect((spring.to - spring.from) / 3600, "the spring day is 23 hours long").toBe(23);
    expect((autumn.to - autumn.from) / 3600, "the autumn day is 25 hours long").toBe(25);
  });

  it("knows the zones Intl knows", () => {
    expect(isTimeZone(WARSAW)).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });
});

describe("weeks, months and views", () => {
  it("starts the week on Sunday in the US and on Monday in Poland, China and Britain", () => {
    expect(firstDayOfWeek("en-US")).toBe(0);
    expect(firstDayOfWeek("en"), "plain English is American English").toBe(0);
    expect(firstDayOfWeek("en-GB")).toBe(1);
    expect(firstDayOfWeek("pl")).toBe(1);
    expect(firstDayOfWeek("pl-PL")).toBe(1);
    expect(firstDayOfWeek("zh")).toBe(1);
    expect(firstDayOfWeek("zh-CN")).toBe(1);
    expect(firstDayOfWeek("not a locale"), "Monday when the locale cannot be read").toBe(1);
  });

  it("gives a week's range from its first day, 7 days and one DST hour long", () => {
    const wednesday = day(2024, 3, 6);
    expect(weekRange(wednesday, WARSAW, 1)).toEqual({ from: utc(2024, 3, 3, 23), to: utc(2024, 3, 10, 23) });
    expect(weekRange(day(2024, 3, 13), NEW_YORK, 0), "Sunday to Sunday, EST to EDT").toEqual({
      from: utc(2024, 3, 10, 5),
      to: utc(2024, 3, 17, 4),
    });
    const autumn = weekRange(day(2024, 10, 23), WARSAW, 1);
    expect(autumn.to - autumn.from, "the week clocks go back holds an extra hour").toBe(7 * 86_400 + 3600);
    expect(keys(viewDays("week", day(2024, 3, 3), 1)), "a Sunday belongs to the week before in Poland").toEqual([
      "2024-02-26",
      "2024-02-27",
      "2024-02-28",
      "2024-02-29",
      "2024-03-01",
      "2024-03-02",
      "2024-03-03",
    ]);
    expect(keys(viewDays("week", day(2024, 3, 3), 0))[0], "and starts one in the US").toBe("2024-03-03");
  });

  it("gives a month's range from the 1st to the 1st of the next month", () => {
    expect(monthRange(day(2024, 2, 17), WARSAW)).toEqual({ from: utc(2024, 1, 31, 23), to: utc(2024, 2, 29, 23) });
    expect(monthRange(day(2024, 12, 1), NEW_YORK)).toEqual({ from: utc(2024, 12, 1, 5), to: utc(2025, 1, 1, 5) });
  });

  it("lays a month out as six full weeks from the week holding the 1st", () => {
    const monday = monthGrid(day(2024, 3, 20), 1);
    expect(monday).toHaveLength(6);
    expect(monday.every((week) => week.length === 7)).toBe(true);
    const cells = monday.flat();
    expect(dateKey(cells[0]!.date), "1 March 2024 was a Friday").toBe("2024-02-26");
    expect(dateKey(cells[41]!.date)).toBe("2024-04-07");
    expect(cells.filter((c) => c.inMonth)).toHaveLength(31);
    expect(cells[4]).toEqual({ date: day(2024, 3, 1), inMonth: true });
    expect(cells[3]?.inMonth).toBe(false);
    expect(dateKey(monthGrid(day(2024, 3, 20), 0)[0]![0]!.date)).toBe("2024-02-25");
    // February 2026 starts on a Sunday: in a Sunday-first grid it starts the first row.
    expect(dateKey(monthGrid(day(2026, 2, 1), 0)[0]![0]!.date)).toBe("2026-02-01");
  });

  it("covers the whole grid in the month view, so leading and trailing days show their events", () => {
    expect(viewRange("month", day(2024, 3, 20), WARSAW, 1)).toEqual({
      from: utc(2024, 2, 25, 23),
      to: utc(2024, 4, 7, 22),
    });
    expect(viewRange("day", day(2024, 3, 31), WARSAW, 1)).toEqual({ from: utc(2024, 3, 30, 23), to: utc(2024, 3, 31, 22) });
  });

  it("moves the anchor by a day, a week or a month", () => {
    const anchor = day(2024, 1, 31);
    expect(dateKey(shiftAnchor("day", anchor, 1))).toBe("2024-02-01");
    expect(dateKey(shiftAnchor("week", anchor, -1))).toBe("2024-01-24");
    expect(dateKey(shiftAnchor("month", anchor, 1))).toBe("2024-02-29");
    expect(dateKey(shiftAnchor("month", anchor, -1))).toBe("2023-12-31");
  });
});

describe("layoutDay", () => {
  const at = (h: number, m = 0) => fromZoned({ ...day(2024, 3, 5), hour: h, minute: m }, WARSAW);
  const ev = (id: number, starts_at: number, ends_at: number) => ({ id, starts_at, ends_at });
  const summary = (placed: ReturnType<typeof layoutDay<{ id: number; starts_at: number; ends_at: number }>>) =>
    placed.map((p) => `${p.event.id}: ${p.top}-${p.bottom} col ${p.column}/${p.columns}`);

  it("places events by their wall-clock minutes, overlapping ones side by side", () => {
    const placed = layoutDay(
      [ev(4, at(13), at(14)), ev(1, at(9), at(10)), ev(2, at(9, 30), at(11)), ev(3, at(10), at(10, 30))],
      day(2024, 3, 5),
      WARSAW,
    );
    expect(summary(placed)).toEqual([
      "1: 540-600 col 0/2",
      "2: 570-660 col 1/2",
      // 1 has ended by 10:00, so 3 takes its column; the cluster still needs two.
      "3: 600-630 col 0/2",
      "4: 780-840 col 0/1",
    ]);
  });

  it("gives the longest of events starting together the left column", () => {
    const placed = layoutDay([ev(1, at(9), at(9, 30)), ev(2, at(9), at(12)), ev(3, at(9, 15), at(9, 45))], day(2024, 3, 5), WARSAW);
    expect(summary(placed)).toEqual(["2: 540-720 col 0/3", "1: 540-570 col 1/3", "3: 555-585 col 2/3"]);
  });

  it("gives an event starting as the overlapping ones end the full width again", () => {
    const placed = layoutDay([ev(1, at(9), at(10)), ev(2, at(9), at(10)), ev(3, at(10), at(11))], day(2024, 3, 5), WARSAW);
    expect(summary(placed)).toEqual(["1: 540-600 col 0/2", "2: 540-600 col 1/2", "3: 600-660 col 0/1"]);
  });

  it("clips events to the day and keeps short ones readable", () => {
    const placed = layoutDay(
      [
        ev(1, at(-2), at(1)), // from 22:00 the day before
        ev(2, at(23), at(26)), // into the next day
        ev(3, at(12), at(12, 5)), // five minutes
        ev(4, at(-5), at(-3)), // the day before only
        ev(5, at(24), at(25)), // the day after only
      ],
      day(2024, 3, 5),
      WARSAW,
    );
    expect(summary(placed)).toEqual(["1: 0-60 col 0/1", "3: 720-735 col 0/1", "2: 1380-1440 col 0/1"]);
  });

  it("reads the minutes in the zone it is given", () => {
    const event = ev(1, utc(2024, 3, 5, 14), utc(2024, 3, 5, 15));
    expect(layoutDay([event], day(2024, 3, 5), WARSAW)[0]?.top).toBe(15 * 60);
    expect(layoutDay([event], day(2024, 3, 5), NEW_YORK)[0]?.top).toBe(9 * 60);
  });

  it("puts both 02:15s of the night clocks go back side by side", () => {
    const first = ev(1, utc(2024, 10, 27, 0, 15), utc(2024, 10, 27, 0, 45)); // 02:15 CEST
    const second = ev(2, utc(2024, 10, 27, 1, 15), utc(2024, 10, 27, 1, 45)); // 02:15 CET
    expect(summary(layoutDay([first, second], day(2024, 10, 27), WARSAW))).toEqual([
      "1: 135-165 col 0/2",
      "2: 135-165 col 1/2",
    ]);
  });
});

describe("all-day events", () => {
  // Graph's all-day event: midnight of the first day to midnight after the last, in its zone.
  const warsawDay = { starts_at: utc(2024, 3, 4, 23), ends_at: utc(2024, 3, 5, 23), time_zone: WARSAW };

  it("cover their dates in their own zone, wherever they are looked at", () => {
    const span = allDaySpan(warsawDay, NEW_YORK);
    expect(keys([span.first, span.end])).toEqual(["2024-03-05", "2024-03-06"]);
    expect(coversDay(span, day(2024, 3, 4))).toBe(false);
    expect(coversDay(span, day(2024, 3, 5))).toBe(true);
    expect(coversDay(span, day(2024, 3, 6))).toBe(false);
    const threeDays = allDaySpan({ ...warsawDay, ends_at: utc(2024, 3, 7, 23) }, NEW_YORK);
    expect([4, 5, 6, 7, 8].map((d) => coversDay(threeDays, day(2024, 3, d)))).toEqual([false, true, true, true, false]);
  });

  it("read an unknown zone as the fallback one, and an empty span as one day", () => {
    const span = allDaySpan({ starts_at: utc(2024, 3, 5, 5), ends_at: utc(2024, 3, 5, 5), time_zone: "Nowhere" }, NEW_YORK);
    expect(keys([span.first, span.end])).toEqual(["2024-03-05", "2024-03-06"]);
  });
});

describe("labels", () => {
  it("names each view's period in the locale", () => {
    expect(viewTitle("day", day(2024, 3, 5), "en-US", 0)).toBe("Tuesday, March 5, 2024");
    expect(plain(viewTitle("week", day(2024, 3, 5), "en-US", 0))).toBe("Mar 3 – 9, 2024");
    expect(plain(viewTitle("week", day(2024, 3, 5), "pl", 1))).toBe("4–10 mar 2024");
    expect(viewTitle("month", day(2024, 3, 5), "en-US", 0)).toBe("March 2024");
    expect(viewTitle("month", day(2024, 3, 5), "pl", 1)).toBe("marzec 2024");
  });

  it("formats times in the zone asked for, and dates whatever the machine's zone", () => {
    expect(plain(formatTime(utc(2024, 3, 5, 8), "en-US", WARSAW))).toBe("9:00 AM");
    expect(plain(formatTime(utc(2024, 3, 5, 8), "en-US", NEW_YORK))).toBe("3:00 AM");
    expect(formatTime(utc(2024, 3, 5, 8), "en-GB", WARSAW)).toBe("09:00");
    expect(plain(formatWallTime(14, 30, "en-US"))).toBe("2:30 PM");
    expect(formatCivilDate(day(2024, 1, 1), "en-US", { dateStyle: "medium" })).toBe("Jan 1, 2024");
  });
});
