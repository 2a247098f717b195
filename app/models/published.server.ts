// Which months are published, and their editions as readers get them: the report of a published
// month is read from its latest edition, never recomputed (editions.server.ts writes them).
import { and, asc, countDistinct, desc, eq, gte, lte, sql } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import type { ComplianceReport } from "../compliance/types";
import { preparedQuery } from "../utils/statements.server";

/** What is known of an edition without its (large) report and figures. */
const infoColumns = {
  id: s.editions.id,
  period: s.editions.period,
  number: s.editions.number,
  publishedAt: s.editions.publishedAt,
  publishedBy: s.editions.publishedBy,
  reason: s.editions.reason,
};

/** The latest edition of a month, without its report and figures. */
export function latestEditionRow(db: Db, period: string) {
  return preparedQuery(db, "latestEditionRow", (d) =>
    d.select(infoColumns).from(s.editions).where(eq(s.editions.period, sql.placeholder("period"))).orderBy(desc(s.editions.number)).limit(1).prepare(),
  ).get({ period });
}

export interface EditionInfo {
  period: string;
  number: number;
  publishedAt: string;
  publishedBy: string;
  /** Why the month was reopened before this edition; null for the first. */
  reason: string | null;
}

/** What every reader may know of an edition: not who published it (an administrator's address). */
export type PublicEdition = Omit<EditionInfo, "publishedBy">;

export const publicEdition = ({ period, number, publishedAt, reason }: EditionInfo): PublicEdition => ({ period, number, publishedAt, reason });

/** The latest edition of a month as every reader may see it; null while it is provisional. */
export function latestPublicEdition(db: Db, period: string): PublicEdition | null {
  const row = latestEditionRow(db, period);
  return row ? publicEdition(row) : null;
}

const info = (row: EditionInfo): EditionInfo => ({
  period: row.period,
  number: row.number,
  publishedAt: row.publishedAt,
  publishedBy: row.publishedBy,
  reason: row.reason,
});

/** A month's editions, the first first. */
export function editionsOf(db: Db, period: string): EditionInfo[] {
  return db
    .select(infoColumns)
    .from(s.editions)
    .where(eq(s.editions.period, period))
    .orderBy(asc(s.editions.number))
    .all()
    .map(info);
}

/** The report of an edition (the latest when `number` is not given), parsed once per edition. */
export function editionReport(db: Db, period: string, number?: number): { edition: EditionInfo; report: ComplianceReport } | null {
  const row =
    number === undefined
      ? latestEditionRow(db, period)
      : db.select(infoColumns).from(s.editions).where(and(eq(s.editions.period, period), eq(s.editions.number, number))).get();
  if (!row) return null;
  let parsed = parsedReports.get(db);
  if (!parsed) parsedReports.set(db, (parsed = new Map()));
  // By month and number as well as id: an id a rolled-back lock used can be given again.
  const key = `${row.id}|${row.period}|${row.number}`;
  let report = parsed.get(key);
  if (!report) {
    const text = db.select({ report: s.editions.report }).from(s.editions).where(eq(s.editions.id, row.id)).get()!.report;
    report = JSON.parse(text) as ComplianceReport;
    parsed.set(key, report);
    // Editions never change: kept for the connection's life, a few at a time.
    if (parsed.size > 32) parsed.delete(parsed.keys().next().value as string);
  }
  return { edition: info(row), report };
}

const parsedReports = new WeakMap<Db, Map<string, ComplianceReport>>();


/** How many months from `from` to `to` (inclusive) have a published edition. */
export function publishedMonthsBetween(db: Db, from: string, to: string): number {
  const row = db
    .select({ n: countDistinct(s.editions.period) })
    .from(s.editions)
    .where(and(gte(s.editions.period, from), lte(s.editions.period, to)))
    .get();
  return row?.n ?? 0;
}
