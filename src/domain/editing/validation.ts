/** Input checks for writes: each failure is a BAD_USER_INPUT error naming the field. */
import { ErrorCode, userError } from "../shared/errors.js";
import { isCalendarDate } from "../../model/dates.js";
import { normalizeDecimal } from "../../model/decimal.js";

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

export function fieldError(field: string, message: string) {
  return userError(`${field}: ${message}`, ErrorCode.BAD_USER_INPUT, { field });
}

export function text(field: string, value: string | undefined | null, opts: { max?: number; required?: boolean } = {}): string | undefined {
  if (value === undefined || value === null) {
    if (opts.required) throw fieldError(field, "is required");
    return undefined;
  }
  const trimmed = value.trim();
  if (opts.required && !trimmed) throw fieldError(field, "must not be empty");
  if (trimmed.length > (opts.max ?? 300)) throw fieldError(field, `is longer than ${opts.max ?? 300} characters`);
  return trimmed;
}

export function textList(field: string, values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  if (values.length > 50) throw fieldError(field, "holds more than 50 entries");
  return values.map((v, i) => text(`${field}[${i}]`, v, { required: true })!);
}

export function isoDate(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isCalendarDate(value)) throw fieldError(field, `"${value}" is not a date of the form YYYY-MM-DD`);
  return value;
}

export function year(field: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1900 || value > 2100) throw fieldError(field, `${value} is not a year between 1900 and 2100`);
  return value;
}

export function currency(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const code = value.trim().toUpperCase();
  if (!CURRENCIES.has(code)) throw fieldError(field, `"${value}" is not an ISO 4217 currency code`);
  return code;
}

/** A non-negative exact decimal, kept as text so that no digit is lost. */
export function amount(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const normalized = normalizeDecimal(value);
  if (normalized === null || normalized.startsWith("-")) throw fieldError(field, `"${value}" is not a non-negative decimal number`);
  return normalized;
}

export function percentage(field: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value < 0 || value > 100) throw fieldError(field, `${value} is not between 0 and 100`);
  return value;
}

export function oneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw fieldError(field, `"${value}" is not one of ${allowed.join(", ")}`);
  return value as T;
}

export { idSlug, legacyIdSlug } from "../../model/names.js";
