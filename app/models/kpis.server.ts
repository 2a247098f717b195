// Reading the KPI catalogue: definitions with their targets and strategy links.
import { asc, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import type { Target } from "../compliance/targets";
import { cachedForDefinitions } from "./definitions-cache.server";
import { statement } from "../utils/statements.server";

export interface Named {
  code: string;
  nameEn: string;
  nameAr: string;
}

export type KpiRow = typeof s.kpis.$inferSelect;

export interface KpiSummary extends KpiRow {
  targets: Target[];
  pillars: Named[];
  dimensions: Named[];
  initiatives: Named[];
  policies: Named[];
}

export interface KpiDetail extends KpiSummary {
  /** null when every entity reports it. */
  reporters: Array<Named & { sample: boolean }> | null;
  entityCount: number;
  /** Entity names for the codes that targets name. */
  entityNames: Record<string, Named>;
}

function targetsByKpi(db: Db): Map<string, Target[]> {
  const targets = db
    .select()
    .from(s.kpiTargets)
    .orderBy(asc(s.kpiTargets.kpiCode), asc(s.kpiTargets.position))
    .all();
  const named = db.select().from(s.kpiTargetEntities).all();
  const out = new Map<string, Target[]>();
  for (const t of targets) {
    const list = out.get(t.kpiCode) ?? [];
    list.push({
      value: t.value,
      due: t.due,
      entities:
        t.scope === "entities"
          ? named.filter((n) => n.targetId === t.id).map((n) => n.entityCode)
          : null,
      scope: t.scope === "city" ? "city" : null,
      from:
        t.fromPeriod !== null && t.fromValue !== null
          ? { period: t.fromPeriod, value: t.fromValue }
          : null,
    });
    out.set(t.kpiCode, list);
  }
  return out;
}

function group<T extends { kpiCode: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) out.set(row.kpiCode, [...(out.get(row.kpiCode) ?? []), row]);
  return out;
}

function links(db: Db) {
  const strip = <T extends { kpiCode: string; position: number } & Named>(rows: T[]) =>
    group(rows.sort((a, b) => a.position - b.position));
  return {
    pillars: strip(
      db
        .select({
          kpiCode: s.kpiPillars.kpiCode,
          position: s.pillars.position,
          code: s.pillars.code,
          nameEn: s.pillars.nameEn,
          nameAr: s.pillars.nameAr,
        })
        .from(s.kpiPillars)
        .innerJoin(s.pillars, eq(s.pillars.code, s.kpiPillars.pillarCode))
        .all(),
    ),
    dimensions: strip(
      db
        .select({
          kpiCode: s.kpiDimensions.kpiCode,
          position: s.dimensions.position,
          code: s.dimensions.code,
          nameEn: s.dimensions.nameEn,
          nameAr: s.dimensions.nameAr,
        })
        .from(s.kpiDimensions)
        .innerJoin(s.dimensions, eq(s.dimensions.code, s.kpiDimensions.dimensionCode))
        .all(),
    ),
    initiatives: strip(
      db
        .select({
          kpiCode: s.kpiInitiatives.kpiCode,
          position: s.initiatives.position,
          code: s.initiatives.code,
          nameEn: s.initiatives.nameEn,
          nameAr: s.initiatives.nameAr,
        })
        .from(s.kpiInitiatives)
        .innerJoin(s.initiatives, eq(s.initiatives.code, s.kpiInitiatives.initiativeCode))
        .all(),
    ),
    policies: strip(
      db
        .select({
          kpiCode: s.kpiPolicies.kpiCode,
          position: s.policies.position,
          code: s.policies.code,
          nameEn: s.policies.nameEn,
          nameAr: s.policies.nameAr,
        })
        .from(s.kpiPolicies)
        .innerJoin(s.policies, eq(s.policies.code, s.kpiPolicies.policyCode))
        .all(),
    ),
  };
}

const toNamed = (rows: Named[] | undefined): Named[] =>
  (rows ?? []).map(({ code, nameEn, nameAr }) => ({ code, nameEn, nameAr }));

function summarise(db: Db, rows: KpiRow[]): KpiSummary[] {
  const targets = targetsByKpi(db);
  const l = links(db);
  return rows.map((kpi) => ({
    ...kpi,
    targets: targets.get(kpi.code) ?? [],
    pillars: toNamed(l.pillars.get(kpi.code)),
    dimensions: toNamed(l.dimensions.get(kpi.code)),
    initiatives: toNamed(l.initiatives.get(kpi.code)),
    policies: toNamed(l.policies.get(kpi.code)),
  }));
}

/**
 * The KPIs in force (not retired), grouped by their first pillar in the strategy's order and,
 * within a pillar, the heaviest first: the headline KPI leads the catalogue.
 */
export function listKpis(db: Db): KpiSummary[] {
  return cachedForDefinitions(db, "listKpis", () => readKpis(db));
}

function readKpis(db: Db): KpiSummary[] {
  const kpis = summarise(
    db,
    db.select().from(s.kpis).where(isNull(s.kpis.retiredAt)).orderBy(asc(s.kpis.position)).all(),
  );
  const pillarOrder = new Map(listPillars(db).map((p, i) => [p.code, i]));
  const rank = (k: KpiSummary) =>
    k.pillars.length > 0 ? (pillarOrder.get(k.pillars[0].code) ?? 99) : 99;
  return kpis.sort((a, b) => rank(a) - rank(b) || b.weight - a.weight || a.position - b.position);
}

/** One KPI, retired or not, with everything its definition says; null when unknown. */
export function getKpi(db: Db, code: string): KpiDetail | null {
  const row = db.select().from(s.kpis).where(eq(s.kpis.code, code)).get();
  if (!row) return null;
  const [summary] = summarise(db, [row]);
  const entities = db
    .select({
      code: s.entities.code,
      nameEn: s.entities.nameEn,
      nameAr: s.entities.nameAr,
      sample: s.entities.sample,
    })
    .from(s.entities)
    .orderBy(asc(s.entities.position))
    .all();
  const reporterCodes = new Set(
    db
      .select()
      .from(s.kpiReporters)
      .where(eq(s.kpiReporters.kpiCode, code))
      .all()
      .map((r) => r.entityCode),
  );
  return {
    ...summary,
    reporters: row.reportersAll ? null : entities.filter((e) => reporterCodes.has(e.code)),
    entityCount: db
      .select({ code: s.entities.code })
      .from(s.entities)
      .where(isNull(s.entities.retiredAt))
      .all().length,
    entityNames: Object.fromEntries(
      entities.map(({ code, nameEn, nameAr }) => [code, { code, nameEn, nameAr }]),
    ),
  };
}

export function listPillars(db: Db): Named[] {
  return db
    .select({ code: s.pillars.code, nameEn: s.pillars.nameEn, nameAr: s.pillars.nameAr })
    .from(s.pillars)
    .where(isNull(s.pillars.retiredAt))
    .orderBy(asc(s.pillars.position))
    .all();
}

/** Whether the database holds generated demo data, and the definitions' version. */
export function databaseFacts(db: Db): { demo: boolean; definitionsVersion: string | null } {
  // Asked by every page (the demo banner): prepared once.
  const rows = statement(db, "SELECT key, value FROM meta WHERE key IN ('demo_data', 'definitions_version')").all() as Array<{ key: string; value: string }>;
  const value = (key: string) => rows.find((r) => r.key === key)?.value ?? null;
  return { demo: value("demo_data") === "true", definitionsVersion: value("definitions_version") };
}

/** Entities in force, in register order, with their names. */
export function listEntities(db: Db): Array<Named & { sample: boolean; parentCode: string | null }> {
  return cachedForDefinitions(db, "listEntities", () => readEntities(db));
}

function readEntities(db: Db): Array<Named & { sample: boolean; parentCode: string | null }> {
  return db
    .select({
      code: s.entities.code,
      nameEn: s.entities.nameEn,
      nameAr: s.entities.nameAr,
      sample: s.entities.sample,
      parentCode: s.entities.parentCode,
    })
    .from(s.entities)
    .where(isNull(s.entities.retiredAt))
    .orderBy(asc(s.entities.position))
    .all();
}

/**
 * Every KPI and entity ever defined, retired ones included, by code: figures outlive a `kpi sync`
 * that retires their KPI or entity, and whatever lists figures must still be able to name them.
 */
export function namesEverDefined(db: Db): {
  kpis: Map<string, Named & { unit: (typeof s.kpis.$inferSelect)["unit"]; retired: boolean }>;
  entities: Map<string, Named & { retired: boolean }>;
} {
  return cachedForDefinitions(db, "namesEverDefined", () => ({
    kpis: new Map(
      db
        .select({ code: s.kpis.code, nameEn: s.kpis.nameEn, nameAr: s.kpis.nameAr, unit: s.kpis.unit, retiredAt: s.kpis.retiredAt })
        .from(s.kpis)
        .all()
        .map(({ retiredAt, ...k }) => [k.code, { ...k, retired: retiredAt !== null }]),
    ),
    entities: new Map(
      db
        .select({ code: s.entities.code, nameEn: s.entities.nameEn, nameAr: s.entities.nameAr, retiredAt: s.entities.retiredAt })
        .from(s.entities)
        .all()
        .map(({ retiredAt, ...e }) => [e.code, { ...e, retired: retiredAt !== null }]),
    ),
  }));
}
