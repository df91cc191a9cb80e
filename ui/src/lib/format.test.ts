import { afterEach, describe, expect, it, vi } from "vitest";
import { dateFormatters } from "./format";
import { LANGUAGE_STORAGE_KEY } from "./i18n/language";

/** 2024-12-01 15:00 UTC: 16:00 in Warsaw, 23:00 in Shanghai. */
const AT = Date.UTC(2024, 11, 1, 15, 0) / 1000;

/** ICU puts narrow no-break spaces in some formats ("4:00 PM"); compare with plain ones. */
const plain = (text: string) => text.replace(/\s/g, " ");

describe("dateFormatters", () => {
  it("writes dates the way each UI language's readers expect", () => {
    const warsaw = "Europe/Warsaw";
    expect(plain(dateFormatters("en-US", warsaw).formatDate(AT))).toBe("Dec 1, 2024");
    expect(plain(dateFormatters("en-GB", warsaw).formatDate(AT))).toBe("1 Dec 2024");
    expect(plain(dateFormatters("zh-CN", warsaw).formatDate(AT))).toBe("2024年12月1日");
    expect(plain(dateFormatters("pl-PL", warsaw).formatDate(AT))).toBe("1 gru 2024");
  });

  it("writes times in the locale's clock: 12-hour for the US, 24-hour for Poland and China", () => {
    const warsaw = "Europe/Warsaw";
    expect(plain(dateFormatters("en-US", warsaw).formatDateTime(AT))).toBe("Dec 1, 2024, 4:00 PM");
    expect(plain(dateFormatters("pl-PL", warsaw).formatDateTime(AT))).toBe("1 gru 2024, 16:00");
    expect(plain(dateFormatters("zh-CN", warsaw).formatDateTime(AT))).toBe("2024年12月1日 16:00");
  });

  it("shows the same instant in the time zone it is given", () => {
    expect(plain(dateFormatters("pl-PL", "Asia/Shanghai").formatDateTime(AT))).toBe("1 gru 2024, 23:00");
    expect(plain(dateFormatters("pl-PL", "UTC").formatDateTime(AT))).toBe("1 gru 2024, 15:00");
    expect(plain(dateFormatters("pl-PL", "Asia/Shanghai").formatDate(AT - 9 * 3600)), "still Dec 1 there").toBe(
      "1 gru 2024",
    );
    expect(plain(dateFormatters("pl-PL", "UTC").formatDate(AT - 9 * 3600)), "06:00 UTC").toBe("1 gru 2024");
    expect(plain(dateFormatters("pl-PL", "America/New_York").formatDate(AT - 12 * 3600)), "still Nov 30 there").toBe(
      "30 lis 2024",
    );
  });
});

describe("formatDate and formatDateTime", () => {
  afterEach(() => localStorage.clear());

  async function formatIn(saved: string, osLanguages: string[]) {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, saved);
    vi.spyOn(navigator, "languages", "get").mockReturnValue(osLanguages);
    vi.resetModules();
    return await import("./format");
  }

  it("use the UI language chosen at start-up and the computer's time zone", async () => {
    const systemZone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
    const cases: [string, string[], string][] = [
      ["pl", ["en-US"], "pl-PL"],
      ["zh", ["en-US"], "zh-CN"],
      ["en", ["pl-PL"], "en-US"],
      ["system", ["en-GB"], "en-GB"],
      ["system", ["pl-PL"], "pl-PL"],
    ];
    for (const [saved, os, locale] of cases) {
      const format = await formatIn(saved, os);
      const expected = dateFormatters(locale, systemZone);
      expect(format.formatDate(AT), `${saved} on ${os.join()}`).toBe(expected.formatDate(AT));
      expect(format.formatDateTime(AT), `${saved} on ${os.join()}`).toBe(expected.formatDateTime(AT));
      expect(format.systemTimeZone()).toBe(systemZone);
    }
  });
});
