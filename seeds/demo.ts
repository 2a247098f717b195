// The Smart Dubai demo database: the definitions folder synced, then seven years of generated
// monthly figures stored through the same path as an import, so they obey the same rules.
import { and, count, eq, ne } from "drizzle-orm";
import type { Db } from "../db/index";
import type { Role } from "../db/schema";
import { hashPasswordSync } from "../app/auth/password.server";
import type { DefinitionSet } from "../app/definitions/schema";
import * as s from "../db/schema";
import { loadDefinitions } from "../app/definitions/load.server";
import { formatDefinitionError } from "../app/definitions/validate";
import { checkFigure, describeProblem, type CheckedFigure } from "../app/figures/rules";
import { loadFigureRules, saveFigures } from "../app/models/figures.server";
import { syncDefinitions } from "../app/models/sync.server";
import { addMonths, periodOf } from "../app/figures/month";
import { generateDemoFigures } from "./generate";

const text = (n: number | null | undefined) =>
  n === null || n === undefined ? undefined : String(n);

export function loadDemoData(db: Db, definitionsDir: string, now: Date): { figures: number } {
  const result = loadDefinitions(definitionsDir);
  if (!result.ok) {
    throw new Error(
      `The definitions folder is invalid:\n${result.errors.map(formatDefinitionError).join("\n")}`,
    );
  }
  syncDefinitions(db, result.definitions, now.toISOString());
  const generated = generateDemoFigures(result.definitions);

  return db.transaction((tx) => {
    const rules = loadFigureRules(tx, periodOf(now));
    const figures: CheckedFigure[] = generated.map((g) => {
      const checked = checkFigure(
        {
          entity: g.entity,
          kpi: g.kpi,
          period: g.period,
          value: text(g.value),
          numerator: text(g.numerator),
          denominator: text(g.denominator),
          comment: g.comment ?? undefined,
        },
        rules,
      );
      // The generator is ours: a figure it makes that breaks a rule is a bug, not bad input.
      if (!checked.ok) {
        throw new Error(
          `Generated figure ${g.entity} ${g.kpi} ${g.period}: ${checked.problems.map(describeProblem).join("; ")}`,
        );
      }
      return checked.figure;
    });
    saveFigures(tx, figures, {
      action: "seed",
      source: "seed",
      status: "approved",
      actor: "demo-generator",
      now: now.toISOString(),
    });
    stampSubmissions(tx);
    createDemoAccounts(tx, result.definitions, now);
    tx.insert(s.meta)
      .values({ key: "demo_data", value: "true", updatedAt: now.toISOString() })
      .onConflictDoUpdate({
        target: s.meta.key,
        set: { value: "true", updatedAt: now.toISOString() },
      })
      .run();
    return { figures: figures.length };
  });
}

/**
 * Generated figures "arrived" on the 5th of the next month, so the demo shows entities on time;
 * the Islamic Affairs department sends on the 15th, after the default due day, to show a late one.
 */
function stampSubmissions(tx: Parameters<Parameters<Db["transaction"]>[0]>[0]) {
  const periods = tx.selectDistinct({ period: s.figures.period }).from(s.figures).all().map((r) => r.period);
  for (const period of periods) {
    const next = addMonths(period, 1);
    for (const [day, late] of [["05", false], ["15", true]] as const) {
      tx.update(s.figures)
        .set({ submittedAt: `${next}-${day}T06:00:00.000Z`, submittedBy: "demo-generator" })
        .where(and(eq(s.figures.period, period), late ? eq(s.figures.entityCode, "IACAD") : ne(s.figures.entityCode, "IACAD")))
        .run();
    }
  }
}

export const DEMO_PASSWORD = "demo-password";

/**
 * The demo accounts, only ever in a database created with demo data: one per role, and a focal
 * point for every entity that reports. They share the published demo password, so one hash
 * serves them all.
 */
function createDemoAccounts(tx: Parameters<Parameters<Db["transaction"]>[0]>[0], definitions: DefinitionSet, now: Date) {
  const passwordHash = hashPasswordSync(DEMO_PASSWORD);
  const reporting = new Set(
    definitions.kpis.flatMap((k) => (k.reporters === "all" ? definitions.entities.map((e) => e.code) : k.reporters)),
  );
  const accounts: Array<{ email: string; name: string; role: Role; entityCode: string | null }> = [
    { email: "admin@example.com", name: "Demo Administrator", role: "admin", entityCode: null },
    { email: "executive@example.com", name: "Demo Executive", role: "executive", entityCode: null },
    { email: "analyst@example.com", name: "Demo Analyst", role: "analyst", entityCode: null },
    ...definitions.entities
      .filter((e) => reporting.has(e.code))
      .map((e) => ({
        email: `focal.${e.code.toLowerCase()}@example.com`,
        name: `Focal point, ${e.name.en}`,
        role: "focal-point" as const,
        entityCode: e.code,
      })),
  ];
  for (const account of accounts) {
    tx.insert(s.users)
      .values({ ...account, passwordHash, createdAt: now.toISOString(), createdBy: "demo-generator" })
      .run();
  }
}

/** True for a database nothing has been loaded into: no entities, no KPIs, no figures. */
export function isEmptyDatabase(db: Db): boolean {
  const [entities] = db.select({ n: count() }).from(s.entities).all();
  const [kpis] = db.select({ n: count() }).from(s.kpis).all();
  const [figures] = db.select({ n: count() }).from(s.figures).all();
  return entities.n === 0 && kpis.n === 0 && figures.n === 0;
}
