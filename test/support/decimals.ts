/** The tests' own exact decimal arithmetic, apart from src/model/decimal.ts (which it checks). */

/** A decimal string as a BigInt scaled by 10^digits (digits past that are cut). */
export function scaledDecimal(v: string, digits = 12): bigint {
  const [whole, fraction = ""] = v.trim().split(".");
  return BigInt(whole! + fraction.padEnd(digits, "0").slice(0, digits));
}

/** Orders two decimal strings by value, as a sort comparator wants (negative, zero or positive). */
export function compareExact(a: string, b: string): number {
  const d = scaledDecimal(a) - scaledDecimal(b);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}
