// The UI language, chosen once at start-up: the choice saved in Settings, or for "system" (the
// default) the OS's preferred languages. Pages import `t` from here and read it as they render;
// it is a plain object, not a store, so changing language reloads the window (see SettingsPage).
import { en, type Messages } from "./en";
import { localeFor, readChoice, resolveLanguage, systemLanguages, type Language, type LanguageChoice } from "./language";
import { pl } from "./pl";
import { zh } from "./zh";

export type { Messages };

const CATALOGS: { readonly [L in Language]: Messages } = { en, zh, pl };

/** What Settings shows as selected. */
export const languageChoice: LanguageChoice = readChoice();
export const language: Language = resolveLanguage(languageChoice, systemLanguages());
/** The locale dates and times are formatted in (see localeFor). */
export const locale: string = localeFor(language, systemLanguages());
export const t: Messages = CATALOGS[language];
