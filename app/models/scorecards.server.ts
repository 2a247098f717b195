// What the executive pages show, all from the compliance engine: the city overview, an entity's
// scorecard, a KPI's page and a strategy item's page. Nothing here decides a status itself.
import { startOfMinute } from "date-fns/startOfMinute";
import { and, count, desc, gte, lte, max, min } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import {
  computeReport,
  computeSeries,
  computeSeriesOf,
  figureActual,
  rollUp,
} from "../compliance/engine";
import type { ComplianceReport, EngineKpi, ReportRow, Status } from "../compliance/types";
import { missedDue } from "../compliance/missed";
import { addMonths, monthsBetween, periodRange } from "../figures/month";
import { listEntities, listKpis, type Named } from "./kpis.server";
import { figuresOf, submissionStates, submissionsOf } from "./entry.server";
import { timeliness } from "../compliance/timeliness";
import { cachedForFigures } from "./definitions-cache.server";
import { editionReport } from "./published.server";
import { cellKey, heatmapRows, type HeatmapCell } from "../compliance/heatmap";
import {
  activeEntityCodes,
  approved,
  approvedFiguresBetween,
  approvedFiguresIn,
  engineKpis,
  reportFor,
  headlineKpi,
} from "./report.server";

import { STRATEGY_KINDS, type StrategyKind } from "../compliance/strategy-kinds";

export { STRATEGY_KINDS, type StrategyKind };

/**
 * The first and last months with approved figures (the last no later than `current`), and the
 * month pages open on: the latest one at least half as complete as the fullest recent month, so
 * one early approval does not turn the overview to a month that is still mostly empty.
 */
export function periodBounds(
  db: Db,
  current: string,
): { first: string | null; last: string | null; settled: string | null } {
  // Every page asks; the answer changes only when the database does.
  return cachedForFigures(db, `periodBounds:${current}`, () => readPeriodBounds(db, current));
}

function readPeriodBounds(
  db: Db,
  current: string,
): { first: string | null; last: string | null; settled: string | null } {
  const row = db
    .select({ first: min(s.figures.period), last: max(s.figures.period) })
    .from(s.figures)
    .where(and(approved(), lte(s.figures.period, current)))
    .get();
  // The recent months only: counting every month's figures to keep 24 cost a scan of them all.
  const last = row?.last ?? null;
  const recent = last
    ? db
        .select({ period: s.figures.period, n: count() })
        .from(s.figures)
        .where(
          and(approved(), gte(s.figures.period, addMonths(last, -23)), lte(s.figures.period, last)),
        )
        .groupBy(s.figures.period)
        .orderBy(desc(s.figures.period))
        .all()
    : [];
  const fullest = Math.max(0, ...recent.map((r) => r.n));
  const settled = recent.find((r) => r.n * 2 >= fullest)?.period ?? null;
  return { first: row?.first ?? null, last: row?.last ?? null, settled };
}

/** Statuses and roll-ups for a month, from that month's figures alone (no trends). */
export function statusReportFor(
  db: Db,
  period: string,
  kpis: EngineKpi[] = engineKpis(db),
): ComplianceReport {
  const key = `statusReport:${period}:${kpis.map((k) => k.code).join(",")}`;
  return cachedForFigures(db, key, () => computeStatusReport(db, period, kpis));
}

function computeStatusReport(db: Db, period: string, kpis: EngineKpi[]): ComplianceReport {
  const all = kpis.length === engineKpis(db).length;
  // A published month: its edition's statuses, and for a subset of KPIs (a strategy page) the
  // entities' roll-ups over that subset's published rows.
  const published = editionReport(db, period)?.report;
  if (published) {
    if (all) return published;
    const codes = new Set(kpis.map((k) => k.code));
    const weights = new Map(kpis.map((k) => [k.code, k.weight]));
    const rows = published.rows.filter((r) => codes.has(r.kpi));
    const byEntity = new Map<string, ReportRow[]>();
    for (const r of rows) if (r.entity !== null) byEntity.set(r.entity, [...(byEntity.get(r.entity) ?? []), r]);
    return {
      ...published,
      rows,
      entities: published.entities.map((e) => rollUp(e.code, byEntity.get(e.code) ?? [], (k) => weights.get(k) ?? 1)),
    };
  }
  const entities = activeEntityCodes(db);
  const figures = all
    ? approvedFiguresIn(db, [period])
    : kpis.flatMap((k) => approvedFiguresIn(db, [period], { kpi: k.code }));
  return computeReport({ period, entities, kpis, figures }, { trends: false });
}

/**
 * Charts show at most the last ten years up to the month shown (docs/decisions/0010): a page reads
 * no more months than it draws, so its cost does not grow with the length of the history.
 * Older months are in the report builder and the API.
 */
export const CHART_MONTHS = 120;

/** The first month a chart ending at `period` draws. */
export function chartStart(firstPeriod: string, period: string): string {
  const earliest = addMonths(period, -(CHART_MONTHS - 1));
  return firstPeriod > earliest ? firstPeriod : earliest;
}

/** The forecast's straight line from the period to the due month, for drawing. */
function forecastLine(row: ReportRow, period: string): Array<{ period: string; value: number }> {
  const f = row.forecast;
  if (!f) return [];
  return periodRange(period, f.due).map((p) => ({
    period: p,
    value: f.projected - f.slope * monthsBetween(p, f.due),
  }));
}

export interface StatusCounts {
  met: number;
  "on-track": number;
  "at-risk": number;
  "off-track": number;
  "no-data": number;
  "no-target": number;
}

function countStatuses(rows: ReportRow[]): StatusCounts {
  const counts: StatusCounts = {
    met: 0,
    "on-track": 0,
    "at-risk": 0,
    "off-track": 0,
    "no-data": 0,
    "no-target": 0,
  };
  for (const row of rows) counts[row.status]++;
  return counts;
}

/** Every pillar, dimension, initiative and policy by name, in the definitions' order. */
export function strategyNames(db: Db): Record<StrategyKind, Named[]> {
  const named = <T extends { code: string; nameEn: string; nameAr: string }>(rows: T[]) =>
    rows.map(({ code, nameEn, nameAr }) => ({ code, nameEn, nameAr }));
  return {
    pillars: named(db.select().from(s.pillars).orderBy(s.pillars.position).all()),
    dimensions: named(db.select().from(s.dimensions).orderBy(s.dimensions.position).all()),
    initiatives: named(db.select().from(s.initiatives).orderBy(s.initiatives.position).all()),
    policies: named(db.select().from(s.policies).orderBy(s.policies.position).all()),
  };
}

/**
 * Which entities' rows the reader may see (docs/decisions/0008-what-a-focal-point-sees.md): the
 * office sees every entity; a focal point the city-wide rows and their own entity only. Applied
 * here, where each page's data is put together, so pages, their `.data` and exports agree.
 */
export type EntityFilter = (entityCode: string) => boolean;
const EVERY_ENTITY: EntityFilter = () => true;

export interface RoundOptions {
  /** Day of the next month the figures are due (FIGURES_DUE_DAY). */
  dueDay: number;
  now: Date;
}

const DEFAULT_ROUND: RoundOptions = { dueDay: 10, now: new Date(0) };

/**
 * The city overview of a month as `visible` lets its reader see it. Kept per version of the
 * figures, per minute (the league's timeliness moves with the clock) and per set of visible
 * entities: at a hundred entities building it was a sixth of the page's time.
 */
export function overviewFor(
  db: Db,
  period: string,
  firstPeriod: string,
  round: RoundOptions = DEFAULT_ROUND,
  visible: EntityFilter = EVERY_ENTITY,
) {
  const seen = listEntities(db)
    .filter((e) => visible(e.code))
    .map((e) => e.code);
  const minute = startOfMinute(round.now).toISOString();
  const key = `overview:${period}:${firstPeriod}:${round.dueDay}:${seen.join(",")}`;
  return cachedForFigures(db, key, () => computeOverview(db, period, firstPeriod, round, visible), minute);
}

function computeOverview(db: Db, period: string, firstPeriod: string, round: RoundOptions, visible: EntityFilter) {
  const kpis = engineKpis(db);
  const catalogue = listKpis(db);
  const report = statusReportFor(db, period);
  const previous = statusReportFor(db, addMonths(period, -1));
  const headline = headlineKpi(kpis);

  let headlineRow: ReportRow | null = null;
  let series: Array<{ period: string; actual: number | null; target: number | null }> = [];
  let forecast: Array<{ period: string; value: number }> = [];
  if (headline) {
    // The headline's own row with its trend and forecast: one KPI's thirteen months.
    const full = reportFor(db, period, { kpi: headline.code });
    headlineRow = full.rows.find((r) => r.kpi === headline.code && r.entity === null) ?? null;
    const from = chartStart(firstPeriod, period);
    const kpi = headline;
    series = cachedForFigures(db, `citySeries:${kpi.code}:${from}:${period}`, () =>
      computeSeries({
        kpi,
        entity: null,
        figures: approvedFiguresBetween(db, kpi.code, from, period),
        from,
        to: period,
      }).map(({ period, actual, target }) => ({ period, actual, target })),
    );
    if (headlineRow) forecast = forecastLine(headlineRow, period);
  }

  const entityRows = report.rows.filter((r) => r.entity !== null);
  const shownRows = entityRows.filter((r) => visible(r.entity!));
  const states = new Map(submissionStates(db, period, round.dueDay, round.now).map((s) => [s.code, s]));
  // Grouped once: filtering 5,000 rows for each of 100 entities was a quarter of the loader.
  const rowsOf = new Map<string, ReportRow[]>();
  for (const row of entityRows) {
    const group = rowsOf.get(row.entity!);
    if (group) group.push(row);
    else rowsOf.set(row.entity!, [row]);
  }
  const complianceOf = new Map(report.entities.map((e) => [e.code, e]));
  const league = listEntities(db)
    .filter((entity) => visible(entity.code))
    .map((entity) => {
      const compliance = complianceOf.get(entity.code);
      const rows = rowsOf.get(entity.code) ?? [];
      return {
        ...entity,
        compliance: compliance ?? null,
        counts: countStatuses(rows),
        timeliness: states.get(entity.code)?.timeliness ?? "not-due",
        // Counted as on the entity's scorecard: the month's figures sent and not approved.
        awaitingReview: states.get(entity.code)?.submitted ?? 0,
      };
    });

  const before = new Map(previous.rows.map((r) => [`${r.kpi}|${r.entity ?? ""}`, r]));
  const changes = report.rows
    .filter((r) => {
      if (r.entity !== null && !visible(r.entity)) return false;
      const was = before.get(`${r.kpi}|${r.entity ?? ""}`);
      return was !== undefined && was.status !== r.status;
    })
    .map((r) => {
      const was = before.get(`${r.kpi}|${r.entity ?? ""}`)!;
      return {
        kpi: r.kpi,
        entity: r.entity,
        from: was.status,
        to: r.status,
        before: was.actual,
        actual: r.actual,
        missed: missedDue(r),
        size: changeSize(was, r),
      };
    })
    .sort((a, b) => b.size - a.size || (a.entity ?? "").localeCompare(b.entity ?? "") || a.kpi.localeCompare(b.kpi));

  const names = strategyNames(db);
  const reach = headline ? headlineReach(report.rows, headline.code, visible, listEntities(db)) : null;
  const strategy = Object.fromEntries(
    STRATEGY_KINDS.map((kind) => [
      kind,
      names[kind]
        .map((item) => ({
          ...item,
          compliance: report[kind].find((c) => c.code === item.code) ?? null,
        }))
        .filter((item) => item.compliance !== null),
    ]),
  ) as Record<StrategyKind, Array<Named & { compliance: ReturnType<typeof rollUp> | null }>>;

  const heatmapKpis = catalogue.map(({ code, nameEn, nameAr, shortEn, shortAr, unit }) => ({ code, nameEn, nameAr, shortEn, shortAr, unit }));
  const cells: Record<string, HeatmapCell> = Object.fromEntries(
    shownRows.map((r) => [cellKey(r.entity!, r.kpi), { status: r.status, actual: r.actual, target: r.target, missed: missedDue(r) }]),
  );
  return {
    period,
    hasFigures: entityRows.some((r) => r.actual !== null),
    headline: headline
      ? {
          kpi: catalogue.find((k) => k.code === headline.code)!,
          row: headlineRow,
          series,
          forecast,
          reach,
        }
      : null,
    league,
    heatmap: { kpis: heatmapKpis, cells, rows: heatmapRows(league, heatmapKpis, cells) },
    strategy,
    changes,
    kpiNames: Object.fromEntries(
      catalogue.map((k) => [k.code, { nameEn: k.nameEn, nameAr: k.nameAr, unit: k.unit }]),
    ),
  };
}

/** How far a status moved, worst to best (a figure appearing or vanishing counts as far as it goes). */
const STATUS_RANK: Record<Status, number> = { met: 0, "on-track": 1, "at-risk": 2, "off-track": 3, "no-data": 3, "no-target": 0 };

/**
 * The size of a change of status, for "what changed" to put the largest first: the statuses
 * moved across (off track to met is three), then the figure's move against its target (or, without
 * one, against the figure before), so 60% to 80% against 80% comes before 79% to 80%.
 */
function changeSize(was: ReportRow, now: ReportRow): number {
  const steps = Math.abs(STATUS_RANK[now.status] - STATUS_RANK[was.status]);
  const scale = Math.abs(now.target ?? was.actual ?? 0) || 1;
  const move = was.actual !== null && now.actual !== null ? Math.min(Math.abs(now.actual - was.actual) / scale, 1) : 1;
  return steps + move;
}

/**
 * The law's question of the headline KPI in a month: how many entities meet their own target, and
 * which do not, with their figures (lowest first). Only entities the reader may see are named; the
 * counts are roll-ups, which every reader sees (decision 0008). Rows without a target in force are
 * left out of the count: nothing was asked of them that month.
 */
function headlineReach(rows: ReportRow[], kpi: string, visible: EntityFilter, entities: ReturnType<typeof listEntities>) {
  const names = new Map(entities.map((e) => [e.code, e]));
  const assessed = rows.filter((r) => r.kpi === kpi && r.entity !== null && r.status !== "no-target");
  const meets = assessed.filter((r) => r.status === "met" || r.status === "on-track");
  const short = assessed.filter((r) => r.status === "at-risk" || r.status === "off-track");
  const missing = assessed.filter((r) => r.status === "no-data");
  const named = (list: ReportRow[]) =>
    list
      .filter((r) => visible(r.entity!))
      .map((r) => {
        const entity = names.get(r.entity!);
        return {
          code: r.entity!,
          nameEn: entity?.nameEn ?? r.entity!,
          nameAr: entity?.nameAr ?? r.entity!,
          actual: r.actual,
          target: r.target,
          status: r.status,
          targetKind: r.targetKind,
          missed: missedDue(r),
        };
      })
      .sort((a, b) => (a.actual ?? -Infinity) - (b.actual ?? -Infinity) || a.code.localeCompare(b.code));
  return {
    assessed: assessed.length,
    meets: meets.length,
    short: named(short),
    shortCount: short.length,
    missing: named(missing),
    missingCount: missing.length,
  };
}

/**
 * An entity's scorecard for a month. What its figures decide is kept per version of the figures:
 * the same object, its rows the same array, until a figure or a definition changes (the table's
 * markup is kept with them, decision 28). Whether the month arrived on time also depends on the
 * clock: worked out for each request from when each figure arrived.
 */
export function entityScorecardFor(
  db: Db,
  entityCode: string,
  period: string,
  round: RoundOptions = DEFAULT_ROUND,
) {
  const kept = cachedForFigures(db, `entityScorecard:${entityCode}:${period}`, () =>
    computeEntityScorecard(db, entityCode, period),
  );
  if (!kept) return null;
  const { submissions, ...scorecard } = kept;
  return {
    ...scorecard,
    timeliness: timeliness(submissions, period, round.dueDay, round.now.toISOString()),
  };
}

const pickKpi = ({ code, nameEn, nameAr, unit }: ReturnType<typeof listKpis>[number]) => ({ code, nameEn, nameAr, unit });

function computeEntityScorecard(db: Db, entityCode: string, period: string) {
  const entity = listEntities(db).find((e) => e.code === entityCode);
  if (!entity) return null;
  const catalogue = listKpis(db);
  const kpis = engineKpis(db).filter((k) => k.reporters.includes(entityCode));
  const months = periodRange(addMonths(period, -11), period);
  const figures = approvedFiguresIn(db, [...new Set([...months, addMonths(period, -12)])], {
    entity: entityCode,
  });
  // A published month shows its edition's rows; another is computed from this entity's figures.
  // An entity added after the month was published is not in its edition: computed, as provisional.
  const published = editionReport(db, period)?.report;
  const inEdition = published?.entities.some((e) => e.code === entityCode) ?? false;
  const report = published && inEdition
    ? { rows: published.rows.filter((r) => r.entity === entityCode), entities: published.entities.filter((e) => e.code === entityCode) }
    : computeReport({
        period,
        entities: [entityCode],
        kpis: kpis.map((k) => ({ ...k, reporters: [entityCode] })),
        figures,
      });
  const byKpi = new Map<string, typeof figures>();
  for (const f of figures) byKpi.set(f.kpi, [...(byKpi.get(f.kpi) ?? []), f]);
  const rows = report.rows
    // An edition's KPI that the entity no longer reports (definitions changed since) has no
    // definition to draw it with here; the edition itself still holds it.
    .filter((r) => r.entity === entityCode && kpis.some((k) => k.code === r.kpi))
    .map((row) => {
      const kpi = kpis.find((k) => k.code === row.kpi)!;
      const byPeriod = new Map(
        (byKpi.get(row.kpi) ?? []).map((f) => [f.period, figureActual(kpi, f)]),
      );
      return {
        row,
        // What the scorecard shows of the KPI: its name and unit. The whole definition (every
        // target, both descriptions) was two thirds of the page's data at 100 entities.
        kpi: pickKpi(catalogue.find((k) => k.code === row.kpi)!),
        sparkline: months.map((m) => byPeriod.get(m) ?? null),
      };
    });
  // Every figure of the month, approved or not: its history link, and when the month arrived.
  const monthFigures = figuresOf(db, entityCode, [period]);
  const figureIds = Object.fromEntries(monthFigures.map((f) => [f.kpiCode, f.id]));
  const submissions = submissionsOf(db, entityCode, period, monthFigures);
  return {
    entity,
    period,
    compliance: report.entities[0],
    rows,
    months,
    figureIds,
    submissions,
    // Sent and not approved: why a month sent on time may score 0% (they count for nothing).
    awaitingReview: monthFigures.filter((f) => f.status === "submitted").length,
    hasFigures: rows.some((r) => r.row.actual !== null),
  };
}

export function kpiPageFor(
  db: Db,
  code: string,
  period: string,
  firstPeriod: string,
  visible: EntityFilter = EVERY_ENTITY,
  /** `entity`: the entity the reader came for, drawn beside the city; `all`: every entity's line. */
  options: { entity?: string | null; all?: boolean } = {},
) {
  const kpi = engineKpis(db).find((k) => k.code === code);
  if (!kpi) return null;
  const report = reportFor(db, period, { kpi: code });
  const from = chartStart(firstPeriod, period);
  const periods = periodRange(from, period);
  // Every reporter's line, computed once per version of the figures; each reader then gets the
  // lines they may see.
  const all = cachedForFigures(db, `kpiSeries:${code}:${from}:${period}`, () => {
    const reporters = listEntities(db)
      .filter((e) => kpi.reporters.includes(e.code))
      .map((e) => e.code);
    const figures = approvedFiguresBetween(db, code, from, period);
    const [city, ...series] = computeSeriesOf({
      kpi,
      entities: [null, ...reporters],
      figures,
      from,
      to: period,
    });
    return {
      city,
      lines: new Map(reporters.map((entity, i) => [entity, series[i].map((p) => p.actual)])),
    };
  });
  const city = all.city;
  const entities = listEntities(db).filter(
    (e) => kpi.reporters.includes(e.code) && visible(e.code),
  );
  const rows = report.rows.filter((r) => r.kpi === code && (r.entity === null || visible(r.entity)));
  // The chart draws the city, the entity asked for and the month's best and worst by default (a
  // line per entity is a tangle at twenty and unreadable at a hundred); every line on request.
  const ranked = rows
    .filter((r): r is ReportRow & { entity: string; actual: number } => r.entity !== null && r.actual !== null)
    .sort((a, b) => (kpi.direction === "increase" ? b.actual - a.actual : a.actual - b.actual) || a.entity.localeCompare(b.entity));
  const best = ranked[0]?.entity ?? null;
  const worst = ranked.length > 1 ? ranked[ranked.length - 1].entity : null;
  const chosen = options.all
    ? entities.map((e) => e.code)
    : [...new Set([options.entity, best, worst].filter((c): c is string => c !== null && c !== undefined))];
  const role = (code: string): "selected" | "best" | "worst" | null =>
    code === options.entity ? "selected" : code === best ? "best" : code === worst ? "worst" : null;
  const named = new Map(entities.map((e) => [e.code, e]));
  const lines = chosen
    .filter((c) => named.has(c))
    .map((c) => ({
      key: c,
      nameEn: named.get(c)!.nameEn,
      nameAr: named.get(c)!.nameAr,
      role: role(c),
      values: all.lines.get(c) ?? [],
    }));
  return { period, periods, city, lines, hiddenLines: entities.length - lines.length, rows, entities };
}

export function strategyPageFor(
  db: Db,
  kind: StrategyKind,
  code: string,
  period: string,
  visible: EntityFilter = EVERY_ENTITY,
) {
  const item = strategyNames(db)[kind].find((i) => i.code === code);
  if (!item) return null;
  const kpis = engineKpis(db).filter((k) => k.links[kind].includes(code));
  const catalogue = listKpis(db).filter((k) => kpis.some((l) => l.code === k.code));
  // The linked KPIs' rows are all this item's compliance depends on: the rest of the catalogue
  // is not read.
  const report = statusReportFor(db, period, kpis);
  const linkedRows = report.rows.filter((r) => kpis.some((k) => k.code === r.kpi));
  const weights = new Map(kpis.map((k) => [k.code, k.weight]));
  const entityRows = linkedRows.filter((r) => r.entity !== null);
  const entities = listEntities(db)
    .filter((entity) => visible(entity.code))
    .map((entity) => {
      const rows = entityRows.filter((r) => r.entity === entity.code);
      return {
        ...entity,
        compliance: rollUp(entity.code, rows, (k) => weights.get(k) ?? 1),
        // What keeps it from complying: assessed rows that are not met or on track.
        holdingBack: rows.filter(
          (r) => r.assessed && r.status !== "met" && r.status !== "on-track",
        ),
      };
    })
    .filter((e) => e.compliance.assessed > 0)
    .sort(
      (a, b) =>
        (a.compliance.compliance ?? 0) - (b.compliance.compliance ?? 0) ||
        a.code.localeCompare(b.code),
    );
  return {
    kind,
    item,
    period,
    compliance: report[kind].find((c) => c.code === code) ?? null,
    kpis: catalogue.map((k) => ({
      code: k.code,
      nameEn: k.nameEn,
      nameAr: k.nameAr,
      unit: k.unit,
      city: linkedRows.find((r) => r.kpi === k.code && r.entity === null) ?? null,
    })),
    entities,
  };
}
