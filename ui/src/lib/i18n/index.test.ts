// Start-up: which catalogue `t` is, from the saved choice or the OS languages. The module picks
// once when first imported, so each case imports a fresh copy.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LANGUAGE_STORAGE_KEY } from "./language";

async function startWith(saved: string | null, osLanguages: string[]) {
  if (saved === null) localStorage.removeItem(LANGUAGE_STORAGE_KEY);
  else localStorage.setItem(LANGUAGE_STORAGE_KEY, saved);
  vi.spyOn(navigator, "languages", "get").mockReturnValue(osLanguages);
  vi.resetModules();
  return await import("./index");
}

beforeEach(() => localStorage.clear());
afterEach(() => localStorage.clear());

describe("the UI language at start-up", () => {
  it("follows the OS when nothing is saved", async () => {
    const zh = await startWith(null, ["zh-CN", "en-US"]);
    expect(zh.language).toBe("zh");
    expect(zh.languageChoice).toBe("system");
    expect(zh.t.nav.candidates).toBe("应聘者");
    expect(zh.locale).toBe("zh-CN");

    const pl = await startWith(null, ["de-DE", "pl-PL"]);
    expect(pl.language).toBe("pl");
    expect(pl.t.nav.candidates).toBe("Kandydaci");
  });

  it("falls back to English for an OS language Candor does not speak", async () => {
    const i18n = await startWith("system", ["ja-JP"]);
    expect(i18n.language).toBe("en");
    expect(i18n.t.nav.candidates).toBe("Candidates");
    expect(i18n.locale).toBe("en-US");
  });

  it("uses the language saved in Settings over the OS's", async () => {
    const i18n = await startWith("pl", ["zh-CN"]);
    expect(i18n.languageChoice).toBe("pl");
    expect(i18n.language).toBe("pl");
    expect(i18n.t.settings.title).toBe("Ustawienia");
    expect(i18n.locale, "no Polish OS locale, so Poland's").toBe("pl-PL");
  });

  it("ignores a saved value it does not know", async () => {
    const i18n = await startWith("klingon", ["en-GB"]);
    expect(i18n.languageChoice).toBe("system");
    expect(i18n.language).toBe("en");
    expect(i18n.locale, "the OS's own English").toBe("en-GB");
  });
});
