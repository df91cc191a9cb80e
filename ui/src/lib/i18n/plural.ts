// Polish nouns take one of three forms after a number: 1 kandydat; 2–4, 22–24, 32–34… kandydaci;
// 0, 5–21, 25–31… kandydatów (12–14 included). Intl.PluralRules knows this too, but the rule is
// three lines and a plain function keeps the catalogue free of locale objects.

export function plPlural(n: number, one: string, few: string, many: string): string {
  const abs = Math.abs(n);
  if (abs === 1) return one;
  // Fractions ("1,5 kandydata") never reach the UI: counts are whole numbers.
  if (!Number.isInteger(abs)) return many;
  const lastDigit = abs % 10;
  const lastTwo = abs % 100;
  return lastDigit >= 2 && lastDigit <= 4 && (lastTwo < 12 || lastTwo > 14) ? few : many;
}

/** "5 kandydatów": the number and the form it takes. */
export function plCount(n: number, one: string, few: string, many: string): string {
  return `${n} ${plPlural(n, one, few, many)}`;
}
