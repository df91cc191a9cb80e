import { describe, expect, it } from "vitest";
import { en } from "./i18n/en";
import { MIN_PASSPHRASE_LENGTH, passphraseLength, validateExistingPassphrase, validateNewPassphrase } from "./session";

describe("validateNewPassphrase", () => {
  it("accepts two identical passphrases of the minimum length", () => {
    const p = "x".repeat(MIN_PASSPHRASE_LENGTH);
    expect(validateNewPassphrase(p, p)).toBeNull();
  });

  it("refuses a passphrase one character too short, naming the minimum", () => {
    const p = "x".repeat(MIN_PASSPHRASE_LENGTH - 1);
    expect(validateNewPassphrase(p, p)).toBe(en.session.tooShort(MIN_PASSPHRASE_LENGTH));
  });

  it("refuses two passphrases that differ, even only in case or a trailing space", () => {
    expect(validateNewPassphrase("correct horse", "Correct horse")).toBe(en.session.mismatch);
    expect(validateNewPassphrase("correct horse", "correct horse ")).toBe(en.session.mismatch);
  });

  it("reports the length before the mismatch, since fixing length first is what the user must do", () => {
    expect(validateNewPassphrase("short", "other")).toBe(en.session.tooShort(MIN_PASSPHRASE_LENGTH));
  });

  it("counts characters, not UTF-16 units, so CJK and emoji passphrases are judged fairly", () => {
    expect(passphraseLength("密码密码密码密码"), "8 CJK characters").toBe(8);
    // 7 emoji are 14 UTF-16 units; .length would wrongly let this through.
    const emoji = "🔒".repeat(7);
    expect(emoji.length).toBe(14);
    expect(validateNewPassphrase(emoji, emoji)).toBe(en.session.tooShort(MIN_PASSPHRASE_LENGTH));
  });

  it("does not trim: spaces are part of a passphrase", () => {
    const p = "   abc   ";
    expect(passphraseLength(p)).toBe(9);
    expect(validateNewPassphrase(p, p)).toBeNull();
  });
});

describe("validateExistingPassphrase", () => {
  it("only refuses an empty passphrase; the core decides whether it opens the database", () => {
    expect(validateExistingPassphrase("")).toBe(en.session.empty);
    expect(validateExistingPassphrase("a")).toBeNull();
  });
});
