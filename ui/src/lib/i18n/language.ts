// Which language the UI speaks and which locale its dates use. Pure functions of the saved choice
// and the OS's preferred languages, so start-up resolution is testable without a window.

export const LANGUAGES = ["en", "zh", "pl"] as const;
export type Language = (typeof LANGUAGES)[number];
/** What the user picked in Settings; "system" follows the OS language. */
export type LanguageChoice = Language | "system";

export const LANGUAGE_CHOICES: readonly LanguageChoice[] = ["system", "en", "zh", "pl"];
export const LANGUAGE_STORAGE_KEY = "candor.language";

/** Each language named in itself, so someone who cannot read the current UI still finds theirs. */
export const LANGUAGE_NAMES: { readonly [L in Language]: string } = {
  en: "English",
  zh: "简体中文",
  pl: "Polski",
};

/** The `<html lang>` of each UI language; it also picks Simplified Chinese glyphs for CJK text. */
export const HTML_LANG: { readonly [L in Language]: string } = { en: "en", zh: "zh-CN", pl: "pl" };

/**
 * A language's name in another locale ("Polish" in English, "波兰语" in Chinese), for sentences;
 * the native name where Intl.DisplayNames is missing.
 */
export function languageNameIn(language: Language, inLocale: string): string {
  const tag = language === "zh" ? "zh-Hans" : language;
  try {
    return new Intl.DisplayNames([inLocale], { type: "language" }).of(tag) ?? LANGUAGE_NAMES[language];
  } catch {
    return LANGUAGE_NAMES[language];
  }
}

/** Date locale when the OS names no locale of the UI language. */
const DEFAULT_LOCALES: { readonly [L in Language]: string } = { en: "en-US", zh: "zh-CN", pl: "pl-PL" };

export function isLanguageChoice(value: unknown): value is LanguageChoice {
  return typeof value === "string" && (LANGUAGE_CHOICES as readonly string[]).includes(value);
}

/** A valid BCP 47 tag for `tag` ("en_GB" from a POSIX locale included), or null. */
function canonicalTag(tag: string): string | null {
  try {
    return Intl.getCanonicalLocales(tag.trim().replace(/_/g, "-"))[0] ?? null;
  } catch {
    return null;
  }
}

function languageOfTag(tag: string): Language | null {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(primary ?? "") ? (primary as Language) : null;
}

/** The OS's preferred languages, most preferred first. */
export function systemLanguages(): readonly string[] {
  if (typeof navigator === "undefined") return [];
  const languages = navigator.languages?.length ? navigator.languages : [navigator.language];
  return languages.filter((tag) => typeof tag === "string" && tag !== "");
}

/**
 * The first of the OS's preferred languages that Candor speaks (any zh* is Simplified Chinese,
 * pl* Polish, en* English); English when it speaks none of them.
 */
export function systemLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const language = languageOfTag(tag);
    if (language) return language;
  }
  return "en";
}

export function resolveLanguage(choice: LanguageChoice, preferred: readonly string[]): Language {
  return choice === "system" ? systemLanguage(preferred) : choice;
}

/**
 * The locale dates and times are formatted in: the OS's own locale of the UI language when it
 * has one (en-GB keeps day-month order and a 24-hour clock), else that language's usual one.
 * A Traditional Chinese OS locale is not used for the Simplified Chinese UI.
 */
export function localeFor(language: Language, preferred: readonly string[]): string {
  for (const tag of preferred) {
    if (languageOfTag(tag) !== language) continue;
    const canonical = canonicalTag(tag);
    if (canonical === null) continue;
    if (language === "zh" && new Intl.Locale(canonical).maximize().script !== "Hans") continue;
    return canonical;
  }
  return DEFAULT_LOCALES[language];
}

type ReadStorage = Pick<Storage, "getItem">;
type WriteStorage = Pick<Storage, "setItem">;

function localStorageOrNull(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    // Storage can be switched off; the UI then simply follows the OS.
    return null;
  }
}

/** The saved choice; "system" when there is none or it is not one Candor knows. */
export function readChoice(storage: ReadStorage | null = localStorageOrNull()): LanguageChoice {
  try {
    const saved = storage?.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguageChoice(saved) ? saved : "system";
  } catch {
    return "system";
  }
}

/** Throws when the choice cannot be kept, so Settings can say so instead of reloading for nothing. */
export function saveChoice(choice: LanguageChoice, storage: WriteStorage | null = localStorageOrNull()): void {
  if (storage === null) throw new Error("This window has no storage for settings.");
  storage.setItem(LANGUAGE_STORAGE_KEY, choice);
}
