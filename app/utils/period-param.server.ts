import type { Db } from "../../db/index";
import { PERIOD_PATTERN } from "../definitions/schema";
import { periodBounds } from "../models/scorecards.server";
import { periodOf } from "./period";

/**
 * The month a page shows: `?period=YYYY-MM`, or the latest month with most of its figures approved. A
 * malformed month is a 400, not a guess: a link must always show the same view.
 */
export function periodFromRequest(request: Request, db: Db) {
  const current = periodOf(new Date());
  const { first, last, settled } = periodBounds(db, current);
  const asked = new URL(request.url).searchParams.get("period");
  if (asked !== null && !PERIOD_PATTERN.test(asked)) {
    throw new Response("The month must be written YYYY-MM", { status: 400 });
  }
  const period = asked ?? settled ?? last ?? current;
  return { period, first: first ?? period, last: last ?? period, current };
}
