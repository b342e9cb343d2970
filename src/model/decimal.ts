/**
 * Money as exact decimals. Amounts are kept as strings ("113240.66") and summed with BigInt, never
 * through floating point, so totals match the source to the last digit.
 */
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** The canonical form of a decimal ("+0113240.6600" -> "113240.66"), or null when it is not one. */
export function normalizeDecimal(raw: string): string | null {
  const match = DECIMAL.exec(raw.trim());
  if (!match || (!match[2] && !match[3])) return null;
  const sign = match[1] === "-" ? "-" : "";
  const whole = (match[2] ?? "").replace(/^0+(?=\d)/, "") || "0";
  const fraction = (match[3] ?? "").replace(/0+$/, "");
  const text = fraction ? `${whole}.${fraction}` : whole;
  return text === "0" ? "0" : sign + text;
}

/** A stored amount as a canonical decimal, or null when it is missing or not a decimal string. */
export function decimalOrNull(raw: unknown): string | null {
  return typeof raw === "string" ? normalizeDecimal(raw) : null;
}

function toScaled(value: string, scale: number): bigint {
  const [whole, fraction = ""] = value.replace("-", "").split(".");
  const digits = BigInt(whole + fraction.padEnd(scale, "0"));
  return value.startsWith("-") ? -digits : digits;
}

/** A plain decimal: sign, whole digits, fraction digits (sumSmall checks that it is short enough). */
const SMALL_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * The exact sum of a few short decimals in doubles, or null when they do not fit: each value is an
 * integer count of 10^-scale below 10^15, and at most 9 of them sum below 2^53, so every step is
 * exact. Spares the BigInt path for the one- to few-term sums of fundingFlows' groups.
 */
function sumSmall(values: string[]): string | null {
  if (values.length > 9) return null;
  let scale = 0;
  const parts: [string, string, string][] = [];
  for (const v of values) {
    const m = SMALL_DECIMAL.exec(v);
    if (!m) return null;
    const fraction = m[3] ?? "";
    parts.push([m[1]!, m[2]!, fraction]);
    scale = Math.max(scale, fraction.length);
  }
  let total = 0;
  for (const [sign, whole, fraction] of parts) {
    const digits = whole + fraction.padEnd(scale, "0");
    if (digits.length > 15) return null;
    total += sign ? -Number(digits) : Number(digits);
  }
  const digits = String(Math.abs(total)).padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale ? digits.slice(digits.length - scale) : "";
  return normalizeDecimal(`${total < 0 ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`);
}

/** The exact sum of decimal strings. */
export function sumDecimals(values: string[]): string {
  if (!values.length) return "0";
  // One value (most tallies' groups): its canonical form is its sum.
  if (values.length === 1) {
    const only = normalizeDecimal(values[0]!);
    if (only !== null) return only;
  }
  const small = sumSmall(values);
  if (small !== null) return small;
  const scale = Math.max(...values.map((v) => (v.split(".")[1] ?? "").length));
  const total = values.reduce((acc, v) => acc + toScaled(v, scale), 0n);
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale ? digits.slice(digits.length - scale) : "";
  return normalizeDecimal(`${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`)!;
}

/** Orders two decimal strings by value (negative, zero or positive, as a sort comparator wants). */
export function compareDecimals(a: string, b: string): number {
  const scale = Math.max((a.split(".")[1] ?? "").length, (b.split(".")[1] ?? "").length);
  const x = toScaled(a, scale);
  const y = toScaled(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}
