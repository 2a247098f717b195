// Loads a validated definitions set into the database (`kpi sync`). Idempotent: a second run
// with the same folder changes nothing. Whatever leaves the folder is retired, never deleted,
// so the figures and history that refer to it stay readable.
import { createHash } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/index";
import * as s from "../../db/schema";
import type { DefinitionSet, KpiDefinition } from "../definitions/schema";

export interface Changes {
  added: string[];
  updated: string[];
  retired: string[];
  unchanged: number;
}

export interface SyncSummary {
  entities: Changes;
  strategy: Changes;
  kpis: Changes;
  /** Hash of the whole set: the definitions' version shown on exports. */
  version: string;
}

interface Row {
  code: string;
  retiredAt: string | null;
}

/** Compares what is stored with what the folder says, by code. */
/**
 * Compares what is stored with what the folder says, by code. A row whose only change is its
 * place in the folder is `moved`, not updated: removing one KPI must not report, and rewrite,
 * every KPI after it.
 */
function reconcile<In extends { code: string; position: number }>(
  stored: Array<Row & { position: number }>,
  incoming: In[],
  differs: (code: string, item: In) => boolean,
): { add: In[]; update: In[]; moved: In[]; retire: string[]; unchanged: number } {
  const storedByCode = new Map(stored.map((r) => [r.code, r]));
  const incomingCodes = new Set(incoming.map((i) => i.code));
  const add: In[] = [];
  const update: In[] = [];
  const moved: In[] = [];
  let unchanged = 0;
  for (const item of incoming) {
    const row = storedByCode.get(item.code);
    if (!row) add.push(item);
    else if (row.retiredAt !== null || differs(item.code, item)) update.push(item);
    else {
      if (row.position !== item.position) moved.push(item);
      unchanged++;
    }
  }
  const retire = stored
    .filter((r) => r.retiredAt === null && !incomingCodes.has(r.code))
    .map((r) => r.code);
  return { add, update, moved, retire, unchanged };
}

const sha = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");

export function definitionsVersion(definitions: DefinitionSet): string {
  return sha(definitions).slice(0, 12);
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
type NamedTable = typeof s.dimensions | typeof s.pillars | typeof s.policies | typeof s.initiatives;

export function syncDefinitions(db: Db, definitions: DefinitionSet, now: string): SyncSummary {
  const strategyChanges: Changes = { added: [], updated: [], retired: [], unchanged: 0 };
  // Entities may name a parent listed after them; checking foreign keys at commit allows it.
  db.$client.pragma("defer_foreign_keys = ON");
  const summary = db.transaction((tx) => {
    const entities = syncEntities(tx, definitions, now);

    const { dimensions, pillars, initiatives, policies } = definitions.strategy;
    const plain = (items: Array<{ code: string; name: { en: string; ar: string } }>) =>
      items.map((item, position) => ({
        code: item.code,
        nameEn: item.name.en,
        nameAr: item.name.ar,
        position,
      }));
    const groups: Array<
      [NamedTable, Array<Record<string, unknown> & { code: string; position: number }>]
    > = [
      [s.dimensions, plain(dimensions)],
      [s.pillars, plain(pillars)],
      [
        s.initiatives,
        initiatives.map((item, position) => ({
          code: item.code,
          nameEn: item.name.en,
          nameAr: item.name.ar,
          pillarCode: item.pillar,
          ownerCode: item.owner ?? null,
          position,
        })),
      ],
      [
        s.policies,
        policies.map((item, position) => ({
          code: item.code,
          nameEn: item.name.en,
          nameAr: item.name.ar,
          reference: item.reference ?? null,
          position,
        })),
      ],
    ];
    for (const [table, rows] of groups) {
      const changes = syncNamed(tx, table, rows, now);
      strategyChanges.added.push(...changes.added);
      strategyChanges.updated.push(...changes.updated);
      strategyChanges.retired.push(...changes.retired);
      strategyChanges.unchanged += changes.unchanged;
    }

    const kpis = syncKpis(tx, definitions, now);
    const version = definitionsVersion(definitions);
    // Written only when it changes, so that a sync of an unchanged folder writes nothing at all.
    tx.insert(s.meta)
      .values({ key: "definitions_version", value: version, updatedAt: now })
      .onConflictDoUpdate({
        target: s.meta.key,
        set: { value: version, updatedAt: now },
        setWhere: sql`${s.meta.value} <> ${version}`,
      })
      .run();
    return { entities, strategy: strategyChanges, kpis, version };
  });
  return summary;
}

function syncEntities(tx: Tx, definitions: DefinitionSet, now: string): Changes {
  const stored = tx.select().from(s.entities).all();
  const storedByCode = new Map(stored.map((r) => [r.code, r]));
  const incoming = definitions.entities.map((e, position) => ({
    code: e.code,
    nameEn: e.name.en,
    nameAr: e.name.ar,
    parentCode: e.parent ?? null,
    sample: e.sample ?? false,
    position,
  }));
  const plan = reconcile(stored, incoming, (code, item) => {
    const row = storedByCode.get(code)!;
    return (
      row.nameEn !== item.nameEn ||
      row.nameAr !== item.nameAr ||
      row.parentCode !== item.parentCode ||
      row.sample !== item.sample
    );
  });
  for (const item of plan.add)
    tx.insert(s.entities)
      .values({ ...item, syncedAt: now })
      .run();
  for (const item of plan.update) {
    tx.update(s.entities)
      .set({ ...item, retiredAt: null, syncedAt: now })
      .where(eq(s.entities.code, item.code))
      .run();
  }
  if (plan.retire.length > 0) {
    tx.update(s.entities)
      .set({ retiredAt: now })
      .where(inArray(s.entities.code, plan.retire))
      .run();
  }
  return {
    added: plan.add.map((i) => i.code),
    updated: plan.update.map((i) => i.code),
    retired: plan.retire,
    unchanged: plan.unchanged,
  };
}

function syncNamed(
  tx: Tx,
  table: NamedTable,
  incoming: Array<Record<string, unknown> & { code: string; position: number }>,
  now: string,
): Changes {
  const stored = tx.select().from(table).all() as Array<
    Row & { position: number } & Record<string, unknown>
  >;
  const storedByCode = new Map(stored.map((r) => [r.code, r]));
  const plan = reconcile(stored, incoming, (code, item) => {
    const row = storedByCode.get(code)!;
    return Object.entries(item).some(([key, value]) => key !== "position" && row[key] !== value);
  });
  for (const item of plan.add)
    tx.insert(table)
      .values({ ...item, syncedAt: now } as never)
      .run();
  for (const item of plan.update) {
    tx.update(table)
      .set({ ...item, retiredAt: null, syncedAt: now } as never)
      .where(eq(table.code, item.code))
      .run();
  }
  for (const item of plan.moved) {
    tx.update(table).set({ position: item.position }).where(eq(table.code, item.code)).run();
  }
  if (plan.retire.length > 0) {
    tx.update(table).set({ retiredAt: now }).where(inArray(table.code, plan.retire)).run();
  }
  return {
    added: plan.add.map((i) => i.code),
    updated: plan.update.map((i) => i.code),
    retired: plan.retire,
    unchanged: plan.unchanged,
  };
}

function kpiRow(kpi: KpiDefinition & { file: string }, position: number) {
  return {
    code: kpi.code,
    nameEn: kpi.name.en,
    nameAr: kpi.name.ar,
    shortEn: kpi.short?.en ?? null,
    shortAr: kpi.short?.ar ?? null,
    descriptionEn: kpi.description?.en ?? null,
    descriptionAr: kpi.description?.ar ?? null,
    unit: kpi.unit,
    direction: kpi.direction,
    measure: kpi.measure,
    numeratorEn: kpi.numerator?.en ?? null,
    numeratorAr: kpi.numerator?.ar ?? null,
    denominatorEn: kpi.denominator?.en ?? null,
    denominatorAr: kpi.denominator?.ar ?? null,
    aggregation: kpi.aggregation,
    weight: kpi.weight,
    reportersAll: kpi.reporters === "all",
    atRiskBand: kpi.bands["at-risk"],
    sourceFile: kpi.file,
    definitionHash: sha(kpi),
    position,
  };
}

function syncKpis(tx: Tx, definitions: DefinitionSet, now: string): Changes {
  const stored = tx.select().from(s.kpis).all();
  const storedByCode = new Map(stored.map((r) => [r.code, r]));
  const incoming = definitions.kpis.map((kpi, position) => ({ ...kpiRow(kpi, position), kpi }));
  const plan = reconcile(stored, incoming, (code, item) => {
    const row = storedByCode.get(code)!;
    return row.definitionHash !== item.definitionHash;
  });
  for (const { kpi, ...row } of plan.add) {
    tx.insert(s.kpis)
      .values({ ...row, syncedAt: now })
      .run();
    writeKpiChildren(tx, kpi);
  }
  for (const { kpi, ...row } of plan.update) {
    tx.update(s.kpis)
      .set({ ...row, retiredAt: null, syncedAt: now })
      .where(eq(s.kpis.code, row.code))
      .run();
    // Reporters, links and targets are part of the definition: replaced as a whole.
    tx.delete(s.kpiReporters).where(eq(s.kpiReporters.kpiCode, row.code)).run();
    tx.delete(s.kpiPolicies).where(eq(s.kpiPolicies.kpiCode, row.code)).run();
    tx.delete(s.kpiInitiatives).where(eq(s.kpiInitiatives.kpiCode, row.code)).run();
    tx.delete(s.kpiPillars).where(eq(s.kpiPillars.kpiCode, row.code)).run();
    tx.delete(s.kpiDimensions).where(eq(s.kpiDimensions.kpiCode, row.code)).run();
    tx.delete(s.kpiTargets).where(eq(s.kpiTargets.kpiCode, row.code)).run();
    writeKpiChildren(tx, kpi);
  }
  for (const item of plan.moved) {
    tx.update(s.kpis).set({ position: item.position }).where(eq(s.kpis.code, item.code)).run();
  }
  if (plan.retire.length > 0) {
    tx.update(s.kpis).set({ retiredAt: now }).where(inArray(s.kpis.code, plan.retire)).run();
  }
  return {
    added: plan.add.map((i) => i.code),
    updated: plan.update.map((i) => i.code),
    retired: plan.retire,
    unchanged: plan.unchanged,
  };
}

function writeKpiChildren(tx: Tx, kpi: KpiDefinition) {
  const kpiCode = kpi.code;
  if (kpi.reporters !== "all") {
    for (const entityCode of kpi.reporters)
      tx.insert(s.kpiReporters).values({ kpiCode, entityCode }).run();
  }
  for (const policyCode of kpi.links.policies)
    tx.insert(s.kpiPolicies).values({ kpiCode, policyCode }).run();
  for (const initiativeCode of kpi.links.initiatives) {
    tx.insert(s.kpiInitiatives).values({ kpiCode, initiativeCode }).run();
  }
  for (const pillarCode of kpi.links.pillars)
    tx.insert(s.kpiPillars).values({ kpiCode, pillarCode }).run();
  for (const dimensionCode of kpi.links.dimensions) {
    tx.insert(s.kpiDimensions).values({ kpiCode, dimensionCode }).run();
  }
  kpi.targets.forEach((target, position) => {
    const { id } = tx
      .insert(s.kpiTargets)
      .values({
        kpiCode,
        position,
        value: target.value,
        due: target.due,
        scope: target.scope === "city" ? "city" : target.entities ? "entities" : "general",
        fromPeriod: target.from?.period ?? null,
        fromValue: target.from?.value ?? null,
      })
      .returning({ id: s.kpiTargets.id })
      .get();
    for (const entityCode of target.entities ?? []) {
      tx.insert(s.kpiTargetEntities).values({ targetId: id, entityCode }).run();
    }
  });
}
