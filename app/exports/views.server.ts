// Each page's data as export tables, from the same model functions the pages call. Every table
// names its month and, where its rows are an entity's, the entity; numbers are unformatted, and
// the CSV's main table has each number's text as the page shows it beside it.
import type { Db } from "../../db/index";
import { explainForecast } from "../compliance/explain";
import type { StrategyKind } from "../compliance/strategy-kinds";
import type { ReportRow } from "../compliance/types";
import type { Unit } from "../definitions/schema";
import type { Formatter } from "../i18n/format";
import { monthsBetween } from "../figures/month";
import { listEntities, listKpis } from "../models/kpis.server";
import { editionsOf, publishedMonthsBetween } from "../models/published.server";
import { entityScorecardFor, kpiPageFor, overviewFor, strategyPageFor, type EntityFilter, type RoundOptions } from "../models/scorecards.server";
import { column, shownColumn, UNIT_KEY, valueColumn, type Column, type Table } from "./tables";

const monthColumn = (f: Formatter) => column(f, "period", "figures.col.month");

/** A row's actual, target and achievement, each with its text as the page shows it, and its status. */
const rowColumns = (f: Formatter): Column[] => [
  valueColumn(f, "actual", "col.actual"),
  shownColumn(f, "actualShown", "col.actual"),
  valueColumn(f, "target", "col.target"),
  shownColumn(f, "targetShown", "col.target"),
  column(f, "targetKind", "export.targetKind"),
  column(f, "achievement", "col.achievement", "share"),
  shownColumn(f, "achievementShown", "col.achievement"),
  column(f, "status", "export.statusCode"),
  column(f, "statusLabel", "col.status"),
];

function rowCells(f: Formatter, row: ReportRow, unit: Unit) {
  return {
    [UNIT_KEY]: unit,
    actual: row.actual,
    actualShown: f.value(unit, row.actual),
    target: row.target,
    targetShown: f.value(unit, row.target),
    targetKind: row.targetKind,
    achievement: row.achievement,
    achievementShown: row.achievement === null ? f.t("value.none") : f.share(row.achievement),
    status: row.status,
    statusLabel: f.t(`status.${row.status}`),
  };
}

/** A share (score, compliance) as the page shows it: 87.5%, or a dash when there is none. */
const shareShown = (f: Formatter, v: number | null | undefined) => (v === null || v === undefined ? f.t("value.none") : f.share(v));

export interface ExportView {
  title: string;
  filters: string;
  tables: Table[];
}

export function overviewExport(db: Db, f: Formatter, period: string, first: string, round: RoundOptions, visible?: EntityFilter): ExportView {
  const data = overviewFor(db, period, first, round, visible);
  const kpis = listKpis(db);
  const entityName = new Map(listEntities(db).map((e) => [e.code, f.name(e)]));
  const kpiName = new Map(kpis.map((k) => [k.code, f.name(k)]));
  const kpiUnit = new Map(kpis.map((k) => [k.code, k.unit]));
  // A status's word, looked up once per status rather than once per cell of the heatmap (a
  // message lookup costs tens of microseconds; the heatmap has entities × KPIs cells).
  const statusLabels = new Map<string, string>();
  const statusLabel = (status: string) => {
    let label = statusLabels.get(status);
    if (label === undefined) statusLabels.set(status, (label = f.t(`status.${status}` as Parameters<Formatter["t"]>[0])));
    return label;
  };
  const entities: Table = {
    name: f.t("export.sheet.entities"),
    title: f.t("overview.league"),
    columns: [
      monthColumn(f),
      column(f, "code", "export.entityCode"),
      column(f, "entity", "col.entity"),
      column(f, "score", "col.score", "share"),
      shownColumn(f, "scoreShown", "col.score"),
      column(f, "compliance", "col.compliance", "share"),
      shownColumn(f, "complianceShown", "col.compliance"),
      column(f, "compliant", "col.compliant", "count"),
      column(f, "assessed", "col.assessed", "count"),
      column(f, "timeliness", "figures.col.timeliness"),
    ],
    rows: data.league.map((e) => ({
      period,
      code: e.code,
      entity: f.name(e),
      score: e.compliance?.score ?? null,
      scoreShown: shareShown(f, e.compliance?.score),
      compliance: e.compliance?.compliance ?? null,
      complianceShown: shareShown(f, e.compliance?.compliance),
      compliant: e.compliance?.compliant ?? null,
      assessed: e.compliance?.assessed ?? null,
      timeliness: f.t(`timeliness.${e.timeliness}`),
    })),
  };
  const cells: Table = {
    name: f.t("export.sheet.entityKpi"),
    title: f.t("overview.heatmap"),
    columns: [
      monthColumn(f),
      column(f, "code", "export.entityCode"),
      column(f, "entity", "col.entity"),
      column(f, "kpi", "export.kpiCode"),
      column(f, "kpiName", "col.kpi"),
      valueColumn(f, "actual", "col.actual"),
      valueColumn(f, "target", "col.target"),
      column(f, "status", "export.statusCode"),
      column(f, "statusLabel", "col.status"),
    ],
    rows: Object.entries(data.heatmap.cells).map(([key, cell]) => {
      const [entity, kpi] = key.split("|");
      return {
        period,
        code: entity,
        entity: entityName.get(entity) ?? entity,
        kpi,
        kpiName: kpiName.get(kpi) ?? kpi,
        [UNIT_KEY]: kpiUnit.get(kpi) ?? "number",
        actual: cell.actual,
        target: cell.target,
        status: cell.status,
        statusLabel: statusLabel(cell.status),
      };
    }),
  };
  const strategy: Table = {
    name: f.t("export.sheet.strategy"),
    title: f.t("overview.strategy"),
    columns: [
      monthColumn(f),
      column(f, "kind", "export.kind"),
      column(f, "code", "kpi.code"),
      column(f, "name", "admin.col.name"),
      column(f, "compliance", "col.compliance", "share"),
      column(f, "compliant", "col.compliant", "count"),
      column(f, "assessed", "col.assessed", "count"),
      column(f, "score", "col.score", "share"),
    ],
    rows: (Object.entries(data.strategy) as Array<[StrategyKind, (typeof data.strategy)[StrategyKind]]>).flatMap(([kind, items]) =>
      items.map((item) => ({
        period,
        kind: f.t(`col.${kind}`),
        code: item.code,
        name: f.name(item),
        compliance: item.compliance?.compliance ?? null,
        compliant: item.compliance?.compliant ?? null,
        assessed: item.compliance?.assessed ?? null,
        score: item.compliance?.score ?? null,
      })),
    ),
  };
  return { title: f.t("overview.title"), filters: "", tables: [entities, cells, strategy] };
}

export function entityExport(db: Db, f: Formatter, code: string, period: string, round: RoundOptions): ExportView | null {
  const card = entityScorecardFor(db, code, period, round);
  if (!card) return null;
  const entity = f.name(card.entity);
  return {
    title: f.t("entity.title", { entity }),
    filters: `${card.entity.code} ${entity}`,
    tables: [
      {
        name: f.t("export.sheet.scorecard"),
        title: entity,
        columns: [
          monthColumn(f),
          column(f, "code", "export.entityCode"),
          column(f, "entity", "col.entity"),
          column(f, "kpi", "export.kpiCode"),
          column(f, "kpiName", "col.kpi"),
          column(f, "unit", "kpi.unit"),
          ...rowColumns(f),
          column(f, "change", "col.changeMonth", "number"),
          // The forecast in the page's own words, then the numbers it is made of.
          column(f, "forecast", "col.forecast"),
          column(f, "forecastReaches", "export.forecastReaches"),
          valueColumn(f, "forecastTarget", "export.forecastTarget"),
          column(f, "forecastDue", "export.forecastDue"),
          valueColumn(f, "forecastProjected", "export.forecastProjected"),
        ],
        rows: card.rows.map(({ row, kpi }) => ({
          period,
          code: card.entity.code,
          entity,
          kpi: kpi.code,
          kpiName: f.name(kpi),
          unit: f.t(`unit.${kpi.unit}`),
          ...rowCells(f, row, kpi.unit),
          change: row.trend.change,
          forecast: explainForecast(row.forecast, { unit: kpi.unit, f }),
          forecastReaches: row.forecast?.reachesTargetIn ?? null,
          forecastTarget: row.forecast?.target ?? null,
          forecastDue: row.forecast?.due ?? null,
          forecastProjected: row.forecast?.projected ?? null,
        })),
      },
    ],
  };
}

export function kpiExport(db: Db, f: Formatter, code: string, period: string, first: string, visible?: EntityFilter): ExportView | null {
  const kpi = listKpis(db).find((k) => k.code === code);
  const page = kpi ? kpiPageFor(db, code, period, first, visible) : null;
  if (!kpi || !page) return null;
  const names = new Map(page.entities.map((e) => [e.code, f.name(e)]));
  return {
    title: f.name(kpi),
    filters: kpi.code,
    tables: [
      {
        name: f.t("export.sheet.entities"),
        title: f.t("kpi.monthTable", { month: f.period(period) }),
        columns: [
          monthColumn(f),
          column(f, "kpi", "export.kpiCode"),
          column(f, "code", "export.entityCode"),
          column(f, "entity", "col.entity"),
          ...rowColumns(f),
        ],
        rows: page.rows.map((row) => ({
          period,
          kpi: kpi.code,
          code: row.entity ?? "",
          entity: row.entity === null ? f.t("overview.cityWide") : (names.get(row.entity) ?? row.entity),
          ...rowCells(f, row, kpi.unit),
        })),
      },
      {
        name: f.t("export.sheet.citySeries"),
        title: f.t("kpi.cityChart", { kpi: f.name(kpi) }),
        columns: [
          column(f, "period", "figures.col.month"),
          column(f, "kpi", "export.kpiCode"),
          valueColumn(f, "actual", "col.actual"),
          valueColumn(f, "target", "col.target"),
          column(f, "status", "export.statusCode"),
        ],
        rows: page.city.map((p) => ({ period: p.period, kpi: kpi.code, [UNIT_KEY]: kpi.unit, actual: p.actual, target: p.target, status: p.status })),
      },
    ],
  };
}

export function strategyExport(db: Db, f: Formatter, kind: StrategyKind, code: string, period: string, visible?: EntityFilter): ExportView | null {
  const page = strategyPageFor(db, kind, code, period, visible);
  if (!page) return null;
  return {
    title: f.name(page.item),
    filters: `${f.t(`strategy.${kind}`)}: ${f.name(page.item)}`,
    tables: [
      {
        name: f.t("export.sheet.entities"),
        title: f.t("strategy.entities"),
        columns: [
          monthColumn(f),
          column(f, "code", "export.entityCode"),
          column(f, "entity", "col.entity"),
          column(f, "compliance", "col.compliance", "share"),
          shownColumn(f, "complianceShown", "col.compliance"),
          column(f, "compliant", "col.compliant", "count"),
          column(f, "assessed", "col.assessed", "count"),
          column(f, "score", "col.score", "share"),
          shownColumn(f, "scoreShown", "col.score"),
          column(f, "holdingBack", "col.holdingBack"),
        ],
        rows: page.entities.map((e) => ({
          period,
          code: e.code,
          entity: f.name(e),
          compliance: e.compliance.compliance,
          complianceShown: shareShown(f, e.compliance.compliance),
          compliant: e.compliance.compliant,
          assessed: e.compliance.assessed,
          score: e.compliance.score,
          scoreShown: shareShown(f, e.compliance.score),
          holdingBack: e.holdingBack.map((r) => r.kpi).join(" "),
        })),
      },
      {
        name: f.t("export.sheet.kpis"),
        title: f.t("strategy.kpis"),
        columns: [monthColumn(f), column(f, "kpi", "export.kpiCode"), column(f, "kpiName", "col.kpi"), ...rowColumns(f)],
        rows: page.kpis.map((k) => ({
          period,
          kpi: k.code,
          kpiName: f.name(k),
          [UNIT_KEY]: k.unit,
          ...(k.city ? rowCells(f, k.city, k.unit) : {}),
        })),
      },
    ],
  };
}

/**
 * What an export's About sheet says of its months: a month's latest edition or that it is
 * provisional, as its page says; for a range, how many of its months are published.
 */
export function editionNote(db: Db, f: Formatter, from: string, to: string = from): string {
  if (from === to) {
    const edition = editionsOf(db, from).at(-1);
    return edition ? f.t("edition.published", { date: f.date(edition.publishedAt), number: edition.number }) : f.t("edition.provisional");
  }
  return f.t("export.editions", { published: publishedMonthsBetween(db, from, to), months: monthsBetween(from, to) + 1 });
}
