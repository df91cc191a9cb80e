// Times cross the IPC boundary as Unix seconds UTC; they are shown in the UI language's locale
// (the OS's own variant of it when it has one, see localeFor) and the computer's time zone,
// which is Intl's default when no timeZone is given.

import { locale } from "./i18n";

export type DateFormatters = {
  formatDate: (unixSeconds: number) => string;
  formatDateTime: (unixSeconds: number) => string;
};

/** Formatters for one locale; `timeZone` pins the zone for tests, the app leaves it to the OS. */
export function dateFormatters(forLocale: string, timeZone?: string): DateFormatters {
  const date = new Intl.DateTimeFormat(forLocale, { dateStyle: "medium", timeZone });
  const dateTime = new Intl.DateTimeFormat(forLocale, { dateStyle: "medium", timeStyle: "short", timeZone });
  return {
    formatDate: (unixSeconds) => date.format(new Date(unixSeconds * 1000)),
    formatDateTime: (unixSeconds) => dateTime.format(new Date(unixSeconds * 1000)),
  };
}

const app = dateFormatters(locale);

export function formatDate(unixSeconds: number): string {
  return app.formatDate(unixSeconds);
}

export function formatDateTime(unixSeconds: number): string {
  return app.formatDateTime(unixSeconds);
}

/** The IANA zone times are shown in, e.g. "Europe/Warsaw", for Settings to name. */
export function systemTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** An attachment's size as people read it: "740 KB", "2.4 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value < 10 ? 1 : 0;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

const listTime = new Intl.DateTimeFormat(locale, { timeStyle: "short" });
const listDay = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric" });
const listDate = new Intl.DateTimeFormat(locale, { dateStyle: "short" });

/**
 * A thread's date in the list, as mail clients show it: the time for today, day and month for
 * this year, the full short date before. `now` is for tests.
 */
export function formatListDate(unixSeconds: number, now: Date = new Date()): string {
  const when = new Date(unixSeconds * 1000);
  if (when.toDateString() === now.toDateString()) return listTime.format(when);
  if (when.getFullYear() === now.getFullYear()) return listDay.format(when);
  return listDate.format(when);
}
