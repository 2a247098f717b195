// Published editions: a locked month's results as they were published, unchanged forever. Locking
// a month stores its full report, the definitions it was computed with (content-addressed: one
// copy per distinct set) and the figures it used (with their ids, versions and a hash), so that
// an auditor can recompute it later (`kpi verify`) and a reader of a published month never sees
// a silently different number when a definition or a figure changes afterwards.
import { createHash } from "node:crypto";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import { computeReport, periodsRead } from "../compliance/engine";
import { reportJson } from "../compliance/report-format";
import type { ComplianceReport, EngineFigure, EngineKpi } from "../compliance/types";
import { latestEditionRow } from "./published.server";
import { activeEntityCodes, approved, engineKpis } from "./report.server";

/** What the engine computed a month with, besides its figures: the entities and the KPIs. */
export interface DefinitionsInForce {
  entities: string[];
  kpis: EngineKpi[];
}

/** A figure as an edition keeps it: [id, version, entity, kpi, period, value, numerator, denominator]. */
export type EditionFigure = [number, number, string, string, string, number, number | null, number | null];

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The one text of a JSON value: object keys sorted, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The approved figures a month's report reads (its thirteen months), as an edition keeps them. */
function figuresRead(db: Db, period: string): EditionFigure[] {
  return db
    .select({
      id: s.figures.id,
      version: s.figures.version,
      entity: s.figures.entityCode,
      kpi: s.figures.kpiCode,
      period: s.figures.period,
      value: s.figures.value,
      numerator: s.figures.numerator,
      denominator: s.figures.denominator,
    })
    .from(s.figures)
    .where(and(inArray(s.figures.period, periodsRead(period)), approved()))
    .orderBy(asc(s.figures.id))
    .all()
    .map((f) => [f.id, f.version, f.entity, f.kpi, f.period, f.value, f.numerator, f.denominator]);
}

const engineFigure = (f: EditionFigure): EngineFigure => ({
  entity: f[2],
  kpi: f[3],
  period: f[4],
  value: f[5],
  numerator: f[6],
  denominator: f[7],
});

/** The month's report from given definitions and figures: what an edition is, and is checked against. */
export function computeEdition(period: string, definitions: DefinitionsInForce, figures: EditionFigure[]): ComplianceReport {
  return computeReport({ period, entities: definitions.entities, kpis: definitions.kpis, figures: figures.map(engineFigure) });
}

/**
 * Publishes the next edition of `period` from the database as it is now. Runs inside the lock's
 * transaction (on the connection itself: better-sqlite3 runs it in that transaction).
 */
export function publishEdition(db: Db, period: string, actor: string, at: string, reason: string | null) {
  const definitions: DefinitionsInForce = { entities: activeEntityCodes(db), kpis: engineKpis(db) };
  const definitionsBody = canonicalJson(definitions);
  const definitionsHash = sha256(definitionsBody);
  db.insert(s.definitionSets)
    .values({ hash: definitionsHash, body: definitionsBody, createdAt: at })
    .onConflictDoNothing({ target: s.definitionSets.hash })
    .run();
  const figures = figuresRead(db, period);
  const figuresBody = JSON.stringify(figures);
  const report = reportJson(computeEdition(period, definitions, figures));
  const previous = latestEditionRow(db, period);
  const number = (previous?.number ?? 0) + 1;
  db.insert(s.editions)
    .values({
      period,
      number,
      publishedAt: at,
      publishedBy: actor,
      reason,
      definitionsHash,
      figures: figuresBody,
      figuresHash: sha256(figuresBody),
      // As the report command prints it (its key order): a published month's report reads the same.
      report: JSON.stringify(report),
    })
    .run();
  return { period, number };
}

/**
 * A published month recomputed with today's definitions and the figures its latest edition used:
 * what a change to kpi-definitions/ would have made of it. Null when the month is not published.
 */
export function recomputeEdition(db: Db, period: string): { edition: number; report: ComplianceReport } | null {
  const row = db
    .select({ number: s.editions.number, figures: s.editions.figures })
    .from(s.editions)
    .where(eq(s.editions.period, period))
    .orderBy(desc(s.editions.number))
    .limit(1)
    .get();
  if (!row) return null;
  const definitions = { entities: activeEntityCodes(db), kpis: engineKpis(db) };
  return { edition: row.number, report: computeEdition(period, definitions, JSON.parse(row.figures) as EditionFigure[]) };
}

/** A row of a report that changed between two editions. */
export interface RowChange {
  kpi: string;
  entity: string | null;
  before: { actual: number | null; status: string } | null;
  after: { actual: number | null; status: string } | null;
}

/** The rows whose status or value differ between two reports of the same month. */
export function reportChanges(before: ComplianceReport, after: ComplianceReport): RowChange[] {
  const key = (r: { kpi: string; entity: string | null }) => `${r.kpi}|${r.entity ?? ""}`;
  const old = new Map(before.rows.map((r) => [key(r), r]));
  const changes: RowChange[] = [];
  const seen = new Set<string>();
  for (const r of after.rows) {
    const k = key(r);
    seen.add(k);
    const o = old.get(k);
    if (!o || o.actual !== r.actual || o.status !== r.status) {
      changes.push({ kpi: r.kpi, entity: r.entity, before: o ? { actual: o.actual, status: o.status } : null, after: { actual: r.actual, status: r.status } });
    }
  }
  for (const [k, o] of old) {
    if (!seen.has(k)) changes.push({ kpi: o.kpi, entity: o.entity, before: { actual: o.actual, status: o.status }, after: null });
  }
  return changes;
}

/** Every difference an auditor would need to know of, one line each; none when all editions hold. */
export function verifyEditions(db: Db): { editions: number; problems: string[] } {
  const problems: string[] = [];
  const rows = db.select().from(s.editions).orderBy(asc(s.editions.period), asc(s.editions.number)).all();
  const current = new Map<number, { version: number; value: number; numerator: number | null; denominator: number | null }>();
  for (const f of db
    .select({ id: s.figures.id, version: s.figures.version, value: s.figures.value, numerator: s.figures.numerator, denominator: s.figures.denominator })
    .from(s.figures)
    .all()) {
    current.set(f.id, f);
  }
  for (const row of rows) {
    const name = `${row.period} edition ${row.number}`;
    const set = db.select().from(s.definitionSets).where(eq(s.definitionSets.hash, row.definitionsHash)).get();
    if (!set) {
      problems.push(`${name}: its definitions ${row.definitionsHash.slice(0, 12)} are missing`);
      continue;
    }
    if (sha256(set.body) !== set.hash) problems.push(`${name}: its definitions do not match their hash ${set.hash.slice(0, 12)}`);
    if (sha256(row.figures) !== row.figuresHash) problems.push(`${name}: its figures do not match their hash ${row.figuresHash.slice(0, 12)}`);
    const figures = JSON.parse(row.figures) as EditionFigure[];
    // A figure still at the version the edition used must still say what it said then.
    for (const f of figures) {
      const now = current.get(f[0]);
      if (now && now.version === f[1] && (now.value !== f[5] || now.numerator !== f[6] || now.denominator !== f[7])) {
        problems.push(`${name}: figure ${f[0]} (${f[2]} ${f[3]} ${f[4]}) version ${f[1]} was ${f[5]} and is now ${now.value} without a new version`);
      }
    }
    const recomputed = canonicalJson(reportJson(computeEdition(row.period, JSON.parse(set.body) as DefinitionsInForce, figures)));
    if (recomputed !== canonicalJson(JSON.parse(row.report))) {
      const changes = reportChanges(JSON.parse(row.report) as ComplianceReport, JSON.parse(recomputed) as ComplianceReport);
      if (changes.length === 0) problems.push(`${name}: the stored report differs from its recomputation`);
      for (const c of changes) {
        problems.push(
          `${name}: ${c.kpi} ${c.entity ?? "city"}: stored ${c.before?.actual ?? "none"} (${c.before?.status ?? "none"}), recomputed ${c.after?.actual ?? "none"} (${c.after?.status ?? "none"})`,
        );
      }
    }
  }
  return { editions: rows.length, problems };
}
