import { describe, expect, it } from "vitest";
import { plCount, plPlural } from "./plural";

const forms = (n: number) => plPlural(n, "one", "few", "many");

describe("plPlural", () => {
  it("uses the singular for exactly one", () => {
    expect(forms(1)).toBe("one");
    expect(forms(-1)).toBe("one");
  });

  it("uses the few form for numbers ending in 2–4, except 12–14", () => {
    for (const n of [2, 3, 4, 22, 23, 24, 32, 102, 104, 1_002, 10_023]) expect(forms(n), String(n)).toBe("few");
  });

  it("uses the many form for 0, 5–21, 12–14 in every hundred, and numbers ending in 0, 1 or 5–9", () => {
    for (const n of [0, 5, 9, 10, 11, 12, 13, 14, 15, 20, 21, 25, 31, 100, 101, 111, 112, 113, 114, 1_000, 10_021]) {
      expect(forms(n), String(n)).toBe("many");
    }
  });

  it("does not treat a fraction as few", () => {
    expect(forms(2.5)).toBe("many");
  });
});

describe("plCount", () => {
  it("puts the number before its form", () => {
    expect(plCount(1, "kandydat", "kandydaci", "kandydatów")).toBe("1 kandydat");
    expect(plCount(3, "kandydat", "kandydaci", "kandydatów")).toBe("3 kandydaci");
    expect(plCount(12, "kandydat", "kandydaci", "kandydatów")).toBe("12 kandydatów");
    expect(plCount(22, "wiadomość", "wiadomości", "wiadomości")).toBe("22 wiadomości");
  });
});
