/** Dates are stored as ISO calendar dates, "2021-03-01": sortable as text, their year its first four characters. */

/** Whether `value` is a date of the form YYYY-MM-DD that the calendar has (not 2021-02-30). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!));
  return date.getUTCMonth() === +match[2]! - 1 && date.getUTCDate() === +match[3]!;
}
