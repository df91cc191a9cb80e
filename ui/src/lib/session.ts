// Passphrase rules live in the UI only for the new-database case: the core accepts any
// passphrase for an existing database (it is the key), so rules there would only lock people out.

import { t } from "./i18n";

export const MIN_PASSPHRASE_LENGTH = 8;

/** Counts what a person typed: "密码" is two characters, an emoji is one, not UTF-16 units. */
export function passphraseLength(passphrase: string): number {
  return [...passphrase].length;
}

/** The message to show for a new passphrase and its repetition, or null when they can be used. */
export function validateNewPassphrase(passphrase: string, confirmation: string): string | null {
  if (passphraseLength(passphrase) < MIN_PASSPHRASE_LENGTH) return t.session.tooShort(MIN_PASSPHRASE_LENGTH);
  if (passphrase !== confirmation) return t.session.mismatch;
  return null;
}

/** An existing database's passphrase is checked by the core; the UI only refuses an empty one. */
export function validateExistingPassphrase(passphrase: string): string | null {
  return passphrase === "" ? t.session.empty : null;
}
