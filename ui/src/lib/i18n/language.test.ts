import { describe, expect, it } from "vitest";
import {
  LANGUAGE_STORAGE_KEY,
  languageNameIn,
  localeFor,
  readChoice,
  resolveLanguage,
  saveChoice,
  systemLanguage,
} from "./language";

function memoryStorage(initial: { [key: string]: string } = {}) {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    items,
  };
}

describe("systemLanguage", () => {
  it("maps any Chinese or Polish OS language to the UI language", () => {
    for (const tag of ["zh", "zh-CN", "zh-Hans-CN", "zh-TW", "zh_CN"]) expect(systemLanguage([tag]), tag).toBe("zh");
    for (const tag of ["pl", "pl-PL", "PL_pl"]) expect(systemLanguage([tag]), tag).toBe("pl");
    for (const tag of ["en", "en-US", "en-GB"]) expect(systemLanguage([tag]), tag).toBe("en");
  });

  it("takes the first preferred language Candor speaks, in the OS's order", () => {
    expect(systemLanguage(["de-DE", "pl-PL", "en-US"]), "German is skipped").toBe("pl");
    expect(systemLanguage(["en-GB", "zh-CN"]), "English comes first").toBe("en");
    expect(systemLanguage(["fr-FR", "zh-CN"])).toBe("zh");
  });

  it("falls back to English when the OS names no language Candor speaks, or none at all", () => {
    expect(systemLanguage(["de-DE", "fr"])).toBe("en");
    expect(systemLanguage([])).toBe("en");
    expect(systemLanguage(["", "C", "polish"]), "not language tags").toBe("en");
  });
});

describe("resolveLanguage", () => {
  it("uses a saved language whatever the OS says", () => {
    expect(resolveLanguage("pl", ["zh-CN"])).toBe("pl");
    expect(resolveLanguage("en", ["pl-PL"])).toBe("en");
    expect(resolveLanguage("zh", [])).toBe("zh");
  });

  it("follows the OS for System default", () => {
    expect(resolveLanguage("system", ["pl-PL", "en-US"])).toBe("pl");
    expect(resolveLanguage("system", ["ja-JP"])).toBe("en");
  });
});

describe("readChoice and saveChoice", () => {
  it("reads back what was saved under candor.language", () => {
    const storage = memoryStorage();
    for (const choice of ["en", "zh", "pl", "system"] as const) {
      saveChoice(choice, storage);
      expect(storage.items.get(LANGUAGE_STORAGE_KEY)).toBe(choice);
      expect(readChoice(storage)).toBe(choice);
    }
    expect(LANGUAGE_STORAGE_KEY).toBe("candor.language");
  });

  it("treats nothing saved, an unknown value or unusable storage as System default", () => {
    expect(readChoice(memoryStorage())).toBe("system");
    expect(readChoice(memoryStorage({ [LANGUAGE_STORAGE_KEY]: "de" }))).toBe("system");
    expect(readChoice(memoryStorage({ [LANGUAGE_STORAGE_KEY]: "EN" })), "values are exact").toBe("system");
    expect(readChoice(null)).toBe("system");
    const throwing = {
      getItem: () => {
        throw new DOMException("denied", "SecurityError");
      },
    };
    expect(readChoice(throwing)).toBe("system");
  });

  it("says so when the choice cannot be kept, instead of pretending", () => {
    expect(() => saveChoice("pl", null)).toThrow();
    const full = {
      setItem: () => {
        throw new DOMException("full", "QuotaExceededError");
      },
    };
    expect(() => saveChoice("pl", full)).toThrow("full");
  });
});

describe("localeFor", () => {
  it("uses the language's usual locale when the OS has none of that language", () => {
    expect(localeFor("en", ["de-DE"])).toBe("en-US");
    expect(localeFor("zh", [])).toBe("zh-CN");
    expect(localeFor("pl", ["en-US"])).toBe("pl-PL");
  });

  it("prefers the OS's own locale of the UI language, so en-GB keeps day-month order", () => {
    expect(localeFor("en", ["en-GB", "en-US"])).toBe("en-GB");
    expect(localeFor("en", ["de-DE", "en_AU"]), "POSIX spelling").toBe("en-AU");
    expect(localeFor("pl", ["pl"])).toBe("pl");
    expect(localeFor("zh", ["zh-SG"])).toBe("zh-SG");
  });

  it("does not format dates of the Simplified Chinese UI in a Traditional Chinese locale", () => {
    expect(localeFor("zh", ["zh-TW"])).toBe("zh-CN");
    expect(localeFor("zh", ["zh-Hant-HK", "zh-Hans-HK"])).toBe("zh-Hans-HK");
  });

  it("skips tags Intl cannot read", () => {
    expect(localeFor("en", ["en-!!", "en-CA"])).toBe("en-CA");
  });
});

describe("languageNameIn", () => {
  it("names a language in the UI's locale, for sentences", () => {
    expect(languageNameIn("pl", "en-US")).toBe("Polish");
    expect(languageNameIn("zh", "en-US")).toBe("Simplified Chinese");
    expect(languageNameIn("en", "zh-CN")).toBe("英语");
    expect(languageNameIn("en", "pl-PL")).toBe("angielski");
  });
});
