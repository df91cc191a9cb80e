// The type `Messages` already makes a missing or extra key a compile error; these tests also
// catch what the type lets through (a translation taking fewer arguments, dropping one from its
// sentence, or left empty), so a string added to en.ts cannot be forgotten in zh.ts or pl.ts.
import { describe, expect, it } from "vitest";
import { en } from "./en";
import { pl } from "./pl";
import { zh } from "./zh";

type Shape = { path: string; kind: string }[];

/** Every leaf of a catalogue: its dotted path and "string", or "function/<arity>". */
function shapeOf(value: unknown, path = ""): Shape {
  if (typeof value === "function") return [{ path, kind: `function/${value.length}` }];
  if (typeof value === "string") return [{ path, kind: "string" }];
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return Object.keys(value)
      .sort()
      .flatMap((key) => shapeOf((value as { [key: string]: unknown })[key], path === "" ? key : `${path}.${key}`));
  }
  return [{ path, kind: `unexpected ${typeof value}` }];
}

function leaf(catalog: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (node as { [key: string]: unknown })[key], catalog);
}

/**
 * Number-like arguments, so plural rules see a count (73 takes Polish's few form), none part of
 * another or of the catalogues' own text, so each is findable in the result.
 */
const SAMPLES = ["73", "386", "5921", "60419"];
function sampleArgs(arity: number): string[] {
  return Array.from({ length: arity }, (_, i) => SAMPLES[i] ?? String(700_001 + i * 7_919));
}

const translations = { zh, pl };

describe.each(Object.entries(translations))("the %s catalogue", (_name, catalog) => {
  it("has exactly en's keys, and functions taking the same number of arguments", () => {
    expect(shapeOf(catalog)).toEqual(shapeOf(en));
  });

  it("has no empty strings, and every sentence keeps the arguments the English one shows", () => {
    for (const { path, kind } of shapeOf(en)) {
      const english = leaf(en, path);
      const translated = leaf(catalog, path);
      if (kind === "string") {
        expect((translated as string).trim(), path).not.toBe("");
        continue;
      }
      const args = sampleArgs((english as (...a: string[]) => string).length);
      const expected = (english as (...a: string[]) => string)(...args);
      const actual = (translated as (...a: string[]) => string)(...args);
      expect(typeof actual, path).toBe("string");
      expect(actual, path).not.toMatch(/undefined|NaN|\[object/);
      for (const arg of args) {
        if (expected.includes(arg)) expect(actual, `${path} drops ${arg}`).toContain(arg);
      }
    }
  });
});

describe("Polish counts", () => {
  it("take the form each number needs", () => {
    expect([1, 3, 5, 12, 22, 25].map(pl.list.count)).toEqual([
      "1 rekord",
      "3 rekordy",
      "5 rekordów",
      "12 rekordów",
      "22 rekordy",
      "25 rekordów",
    ]);
    expect([1, 2, 5].map(pl.pipeline.count)).toEqual(["1 kandydat", "2 kandydaci", "5 kandydatów"]);
    expect([1, 4, 11].map(pl.recordImport.start.contact)).toEqual([
      "Importuj 1 kontakt",
      "Importuj 4 kontakty",
      "Importuj 11 kontaktów",
    ]);
    expect([1, 2, 5].map(pl.compose.sendingSoon)).toEqual([
      "Wysyłanie za 1 sekundę…",
      "Wysyłanie za 2 sekundy…",
      "Wysyłanie za 5 sekund…",
    ]);
    expect(pl.recordImport.found(3)).toBe("Plik zawiera 3 osoby.");
    expect([1, 3, 12].map(pl.calendar.ics.imported)).toEqual([
      "Zaimportowano 1 nowe wydarzenie.",
      "Zaimportowano 3 nowe wydarzenia.",
      "Zaimportowano 12 nowych wydarzeń.",
    ]);
    expect(pl.calendar.ics.recurring(22)).toBe("22 wydarzenia cykliczne zaimportowano tylko jako ich pierwsze wystąpienia.");
  });
});
