// Periods are calendar months written YYYY-MM; string order is time order.
// Every month that arrives from outside (a URL, a form, a file, an API call) goes through
// parsePeriod with bounds: a month of 9999-12 once made one page run for 70 s.

export const TIME_ZONE = "Asia/Dubai";

/** The month `date` falls in, in Dubai. */
export function periodOf(date: Date): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: TIME_ZONE,
    year: "numeric",
    month: "2-digit",
  }).formatToParts(date);
  const year = parts.find((p) => p.type === "year")!.value;
  const month = parts.find((p) => p.type === "month")!.value;
  return `${year}-${month}`;
}

export function monthIndex(period: string): number {
  return Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1;
}

export function periodFromIndex(index: number): string {
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}

/** Whole months from `a` to `b` (negative when b is earlier). */
export function monthsBetween(a: string, b: string): number {
  return monthIndex(b) - monthIndex(a);
}

export function addMonths(period: string, months: number): string {
  return periodFromIndex(monthIndex(period) + months);
}

/** Every month from `from` to `to`, both included. */
export function periodRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let i = monthIndex(from); i <= monthIndex(to); i++) out.push(periodFromIndex(i));
  return out;
}

export const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * The earliest month anything may be shown or reported for. Smart Dubai's measurement starts in
 * 2014; 1980 leaves room for every electronic baseline a government keeps (and for the benchmark's
 * 40 years of history) while keeping every range bounded.
 */
export const EARLIEST_PERIOD = "1980-01";
/** Pages may look this far past the current month: far enough to see a target's trajectory. */
export const MONTHS_AHEAD = 60;

export interface PeriodBounds {
  earliest: string;
  latest: string;
}

/** The months a page, export or API call may ask about, at `now`. */
export function viewBounds(now: Date): PeriodBounds {
  return { earliest: EARLIEST_PERIOD, latest: addMonths(periodOf(now), MONTHS_AHEAD) };
}

export type PeriodParse =
  | { ok: true; period: string }
  | { ok: false; problem: "format" | "out-of-range"; bounds: PeriodBounds };

/** A month written YYYY-MM within `bounds`, or why not. */
export function parsePeriod(text: unknown, bounds: PeriodBounds): PeriodParse {
  if (typeof text !== "string" || !PERIOD_PATTERN.test(text)) return { ok: false, problem: "format", bounds };
  if (text < bounds.earliest || text > bounds.latest) return { ok: false, problem: "out-of-range", bounds };
  return { ok: true, period: text };
}
