import type { Db } from "../../db/index";
import { periodBounds } from "../models/scorecards.server";
import { refuse, refusePeriod } from "./http.server";
import { parsePeriod, periodOf, viewBounds } from "../figures/month";

/**
 * The month a page shows: `?period=YYYY-MM`, or the latest month with most of its figures approved. A
 * malformed or out-of-range month is a 400, not a guess: a link must always show the same view,
 * and no request may make the server walk through thousands of months.
 */
export function periodFromRequest(request: Request, db: Db) {
  const now = new Date();
  const current = periodOf(now);
  const values = new URL(request.url).searchParams.getAll("period");
  if (values.length > 1) refuse(400, "error.period.once");
  let asked: string | null = null;
  if (values.length === 1) {
    const parsed = parsePeriod(values[0], viewBounds(now));
    if (!parsed.ok) refusePeriod(parsed);
    asked = parsed.period;
  }
  const { first, last, settled } = periodBounds(db, current);
  const period = asked ?? settled ?? last ?? current;
  return { period, first: first ?? period, last: last ?? period, current };
}
