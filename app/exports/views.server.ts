// Each page's data as export tables, from the same model functions the pages call.
import type { Db } from "../../db/index";
import type { StrategyKind } from "../compliance/strategy-kinds";
import type { ReportRow } from "../compliance/types";
import type { Formatter } from "../i18n/format";
import { listEntities, listKpis } from "../models/kpis.server";
import { entityScorecardFor, kpiPageFor, overviewFor, strategyPageFor, type EntityFilter, type RoundOptions } from "../models/scorecards.server";
import { column, valueType, type Column, type Table } from "./tables";

const rowColumns = (f: Formatter, unit = "number"): Column[] => [
  column(f, "actual", "col.actual", valueType(unit)),
  column(f, "target", "col.target", valueType(unit)),
  column(f, "targetKind", "export.targetKind"),
  column(f, "achievement", "col.achievement", "share"),
  column(f, "status", "export.statusCode"),
  column(f, "statusLabel", "col.status"),
];

function rowCells(f: Formatter, row: ReportRow) {
  return {
    actual: row.actual,
    target: row.target,
    targetKind: row.targetKind,
    achievement: row.achievement,
    status: row.status,
    statusLabel: f.t(`status.${row.status}`),
  };
}

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
  // A status's word, looked up once per status rather than once per cell of the heatmap (a
  // message lookup costs tens of microseconds; the heatmap has entities × KPIs cells).
  const statusLabels = new Map<string, string>();
  const statusLabel = (status: string) => {
    let label = statusLabels.get(status);
    if (label === undefined) statusLabels.set(status, (label = f.t(`status.${status}` as Parameters<Formatter["t"]>[0])));
    return label;
  };
  const entities: Table = {
    name: "entities",
    title: f.t("overview.league"),
    columns: [
      column(f, "code", "export.entityCode"),
      column(f, "entity", "col.entity"),
      column(f, "score", "col.score", "share"),
      column(f, "compliance", "col.compliance", "share"),
      column(f, "compliant", "col.compliant", "count"),
      column(f, "assessed", "col.assessed", "count"),
      column(f, "timeliness", "figures.col.timeliness"),
    ],
    rows: data.league.map((e) => ({
      code: e.code,
      entity: f.name(e),
      score: e.compliance?.score ?? null,
      compliance: e.compliance?.compliance ?? null,
      compliant: e.compliance?.compliant ?? null,
      assessed: e.compliance?.assessed ?? null,
      timeliness: f.t(`timeliness.${e.timeliness}`),
    })),
  };
  const cells: Table = {
    name: "entity-kpi",
    title: f.t("overview.heatmap"),
    columns: [
      column(f, "code", "export.entityCode"),
      column(f, "entity", "col.entity"),
      column(f, "kpi", "export.kpiCode"),
      column(f, "kpiName", "col.kpi"),
      column(f, "actual", "col.actual", "number"),
      column(f, "target", "col.target", "number"),
      column(f, "status", "export.statusCode"),
      column(f, "statusLabel", "col.status"),
    ],
    rows: Object.entries(data.heatmap.cells).map(([key, cell]) => {
      const [entity, kpi] = key.split("|");
      return {
        code: entity,
        entity: entityName.get(entity) ?? entity,
        kpi,
        kpiName: kpiName.get(kpi) ?? kpi,
        actual: cell.actual,
        target: cell.target,
        status: cell.status,
        statusLabel: statusLabel(cell.status),
      };
    }),
  };
  const strategy: Table = {
    name: "strategy",
    title: f.t("overview.strategy"),
    columns: [
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
  const unitColumns: Column[] = [
    column(f, "kpi", "export.kpiCode"),
    column(f, "kpiName", "col.kpi"),
    column(f, "unit", "kpi.unit"),
    ...rowColumns(f),
    column(f, "change", "col.changeMonth", "number"),
    column(f, "forecast", "col.forecast", "number"),
    column(f, "forecastDue", "export.forecastDue"),
  ];
  return {
    title: f.t("entity.title", { entity: f.name(card.entity) }),
    filters: `${card.entity.code} ${f.name(card.entity)}`,
    tables: [
      {
        name: "scorecard",
        title: f.name(card.entity),
        columns: unitColumns,
        rows: card.rows.map(({ row, kpi }) => ({
          kpi: kpi.code,
          kpiName: f.name(kpi),
          unit: f.t(`unit.${kpi.unit}`),
          ...rowCells(f, row),
          change: row.trend.change,
          forecast: row.forecast?.projected ?? null,
          forecastDue: row.forecast?.due ?? null,
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
        name: "entities",
        title: f.t("kpi.monthTable", { month: f.period(period) }),
        columns: [column(f, "code", "export.entityCode"), column(f, "entity", "col.entity"), ...rowColumns(f, kpi.unit)],
        rows: page.rows.map((row) => ({
          code: row.entity ?? "",
          entity: row.entity === null ? f.t("overview.cityWide") : (names.get(row.entity) ?? row.entity),
          ...rowCells(f, row),
        })),
      },
      {
        name: "city-series",
        title: f.t("kpi.cityChart", { kpi: f.name(kpi) }),
        columns: [
          column(f, "period", "figures.col.month"),
          column(f, "actual", "col.actual", valueType(kpi.unit)),
          column(f, "target", "col.target", valueType(kpi.unit)),
          column(f, "status", "export.statusCode"),
        ],
        rows: page.city.map((p) => ({ period: p.period, actual: p.actual, target: p.target, status: p.status })),
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
        name: "entities",
        title: f.t("strategy.entities"),
        columns: [
          column(f, "code", "export.entityCode"),
          column(f, "entity", "col.entity"),
          column(f, "compliance", "col.compliance", "share"),
          column(f, "compliant", "col.compliant", "count"),
          column(f, "assessed", "col.assessed", "count"),
          column(f, "score", "col.score", "share"),
          column(f, "holdingBack", "col.holdingBack"),
        ],
        rows: page.entities.map((e) => ({
          code: e.code,
          entity: f.name(e),
          compliance: e.compliance.compliance,
          compliant: e.compliance.compliant,
          assessed: e.compliance.assessed,
          score: e.compliance.score,
          holdingBack: e.holdingBack.map((r) => r.kpi).join(" "),
        })),
      },
      {
        name: "kpis",
        title: f.t("strategy.kpis"),
        columns: [column(f, "kpi", "export.kpiCode"), column(f, "kpiName", "col.kpi"), ...rowColumns(f)],
        rows: page.kpis.map((k) => ({
          kpi: k.code,
          kpiName: f.name(k),
          ...(k.city ? rowCells(f, k.city) : {}),
        })),
      },
    ],
  };
}
