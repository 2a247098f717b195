// The month: the product's one unit of time. A month is written YYYY-MM, and string order is time
// order. Every month that arrives from outside (a URL, a form, a file, an API call) goes through
// parsePeriod with bounds: a month of 9999-12 once made one page run for 70 s.
//
// Dates are computed by date-fns in Dubai's time zone (@date-fns/tz): which month a moment falls
// in, when a month's figures are due, the middle of a month for a label. Counting months (one
// before, twelve back, the months between) is arithmetic on the month's number since year 0:
// the compliance engine does it for every row of a report, and it needs no calendar.
import { TZDate } from "@date-fns/tz";
import { differenceInCalendarDays } from "date-fns/differenceInCalendarDays";
import { differenceInMinutes } from "date-fns/differenceInMinutes";
import { endOfDay } from "date-fns/endOfDay";
import { format } from "date-fns/format";

export const TIME_ZONE = "Asia/Dubai";

/** The month `date` falls in, in Dubai. */
export function periodOf(date: Date): string {
  return format(new TZDate(date, TIME_ZONE), "yyyy-MM");
}

/** A moment in the middle of the month in Dubai: what a month's name is formatted from. */
export function middleOf(period: string): Date {
  return new TZDate(Number(period.slice(0, 4)), Number(period.slice(5, 7)) - 1, 15, 12, TIME_ZONE);
}

/**
 * The moment figures for `period` are due: the end of day `dueDay` of the next month, Dubai time,
 * as an ISO instant. A due day past the month's end (31 in a 30-day month) is its last day.
 */
export function dueMoment(period: string, dueDay: number): string {
  const next = addMonths(period, 1);
  const year = Number(next.slice(0, 4));
  const month = Number(next.slice(5, 7)) - 1;
  const lastDay = new TZDate(year, month + 1, 0, TIME_ZONE).getDate();
  const end = endOfDay(new TZDate(year, month, Math.min(dueDay, lastDay), TIME_ZONE));
  // As UTC ("…T19:59:59.999Z"): a TZDate writes its offset, and instants are compared as text.
  return new Date(end.getTime()).toISOString();
}

/** A moment of a month, in Dubai (`day` at `hour`:00), as an ISO instant in UTC. */
export function momentInDubai(period: string, day: number, hour: number): string {
  const moment = new TZDate(Number(period.slice(0, 4)), Number(period.slice(5, 7)) - 1, day, hour, TIME_ZONE);
  return new Date(moment.getTime()).toISOString();
}

/** Whole minutes from `now` until `moment` (negative once it has passed). */
export function minutesUntil(moment: string, now: Date): number {
  return differenceInMinutes(new Date(moment), now);
}

/** The month of a spreadsheet's date cell: Excel dates carry no zone and are read as UTC. */
export function periodOfSpreadsheetDate(date: Date): string {
  return format(new TZDate(date, "UTC"), "yyyy-MM");
}

/** Months since year 0: month arithmetic is plain addition on this number. */
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

/** Dubai's calendar date of an instant, YYYY-MM-DD. */
export function dayInDubai(moment: Date | string): string {
  return format(new TZDate(new Date(moment).getTime(), TIME_ZONE), "yyyy-MM-dd");
}

/** Whole calendar days in Dubai from `now` to `moment`: 0 on the same day, negative after it. */
export function daysUntilInDubai(moment: string, now: Date): number {
  return differenceInCalendarDays(
    new TZDate(new Date(moment).getTime(), TIME_ZONE),
    new TZDate(now.getTime(), TIME_ZONE),
  );
}
