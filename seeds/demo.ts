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
import { lockPeriod, reviewFigure } from "../app/models/entry.server";
import { loadFigureRules, saveFigures, writeFigure } from "../app/models/figures.server";
import { syncDefinitions } from "../app/models/sync.server";
import { addMonths, momentInDubai, periodOf } from "../app/figures/month";
import { seedFollowUp } from "./follow-up";
import { DEFAULT_TO, generateDemoFigures } from "./generate";

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
  // The history the facts describe (to 2020-12), then illustrative months up to the last one
  // whose figures can be reported, so the monthly round can be seen working today.
  const lastMonth = addMonths(periodOf(now), -1);
  const to = lastMonth > DEFAULT_TO ? lastMonth : DEFAULT_TO;
  const generated = generateDemoFigures(result.definitions, { to });
  const round = lastMonth > DEFAULT_TO ? new Set([addMonths(lastMonth, -1), lastMonth]) : new Set<string>();

  const loaded = db.transaction((tx) => {
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
    saveFigures(
      tx,
      figures.filter((f) => !round.has(f.period)),
      { action: "seed", source: "seed", status: "approved", actor: "demo-generator", now: now.toISOString() },
    );
    stampSubmissions(tx);
    const inRound = figures.filter((f) => round.has(f.period));
    // Accounts first: a figure returned in the round tells its focal point (a notice).
    createDemoAccounts(tx, result.definitions, now);
    const played = [...round].reduce((n, month) => n + playRound(tx, inRound.filter((f) => f.period === month), month, now), 0);
    tx.insert(s.meta)
      .values({ key: "demo_data", value: "true", updatedAt: now.toISOString() })
      .onConflictDoUpdate({
        target: s.meta.key,
        set: { value: "true", updatedAt: now.toISOString() },
      })
      .run();
    return { figures: figures.length - inRound.length + played };
  });
  // The law's deadline month, locked and published as the office would have in January 2019
  // (after the transaction above: publishing reads through the connection's caches).
  const published = new Date(DEMO_PUBLISHED.at);
  if (now > published) lockPeriod(db, DEMO_PUBLISHED.period, "admin@example.com", published);
  // Commentary and corrective action plans for that month and for the month before last.
  seedFollowUp(db, { published: DEMO_PUBLISHED.period, recent: lastMonth > DEFAULT_TO ? addMonths(lastMonth, -1) : null }, now);
  return loaded;
}

/** The month the demo publishes, and when: December 2018, the month the 80% target fell due. */
export const DEMO_PUBLISHED = { period: "2018-12", at: "2019-01-12T06:00:00.000Z" } as const;

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * How the two most recent months stand in the demo: the round in progress, as the office sees it
 * on `now`. Each step happens on a day of the month after (10:00 in Dubai), and only if that day
 * has come: the same date always gives the same round.
 *
 * The month before last: every entity has submitted (IACAD late, on the 15th) and most are
 * approved; DM's figures still wait for an analyst, and one of DHA's was returned with a comment.
 * The last month: RTA submitted on the 3rd and was approved; DEWA, Dubai Police and most others
 * submitted and wait for review; DED has drafts only; IACAD submits late; CDA has sent nothing.
 */
function playRound(tx: Tx, figures: CheckedFigure[], month: string, now: Date): number {
  const lastMonth = month === addMonths(periodOf(now), -1);
  const at = (day: number) => momentInDubai(addMonths(month, 1), day, 10);
  const past = (moment: string) => moment <= now.toISOString();
  const actor = (entity: string) => `focal.${entity.toLowerCase()}@example.com`;
  const submittedOn = (entity: string): number | null => {
    if (entity === "IACAD") return 15;
    if (!lastMonth) return 5;
    if (entity === "CDA" || entity === "DED") return null;
    if (["RTA", "DEWA", "DP"].includes(entity)) return 3;
    return 5 + (entity.charCodeAt(0) % 4);
  };
  let written = 0;
  for (const figure of figures) {
    const day = submittedOn(figure.entity);
    if (lastMonth && figure.entity === "CDA") continue;
    if (day === null) {
      // DED: drafts saved on the 4th, not yet submitted.
      if (!past(at(4))) continue;
      writeFigure(tx, figure, undefined, { action: "create", source: "form", status: "draft", actor: actor(figure.entity), now: at(4) });
      written++;
      continue;
    }
    const submittedAt = at(day);
    if (!past(submittedAt)) continue;
    const id = writeFigure(tx, figure, undefined, {
      action: "submit",
      source: "form",
      status: "submitted",
      actor: actor(figure.entity),
      now: submittedAt,
      extra: { submittedAt, submittedBy: actor(figure.entity) },
    });
    written++;
    const reviewedAt = at(day + 3);
    const waits = lastMonth ? figure.entity !== "RTA" : figure.entity === "DM";
    if (waits || !past(reviewedAt)) continue;
    const returned = !lastMonth && figure.entity === "DHA" && figure.kpi === "SMART_ADOPTION";
    const reviewed = reviewFigure(tx as unknown as Db, {
      figureId: id,
      decision: returned ? "return" : "approve",
      comment: returned ? "The denominator looks like last year's total: please check it against the transactions system." : "",
      actor: "analyst@example.com",
      now: new Date(reviewedAt),
    });
    if (!reviewed.ok) throw new Error(`Demo review of ${figure.entity} ${figure.kpi} ${month}: ${reviewed.error}`);
  }
  return written;
}

/**
 * Generated figures "arrived" on the 5th of the next month, so the demo shows entities on time;
 * the Islamic Affairs department sends on the 15th, after the default due day, to show a late one.
 */
function stampSubmissions(tx: Parameters<Parameters<Db["transaction"]>[0]>[0]) {
  const periods = tx.selectDistinct({ period: s.figures.period }).from(s.figures).all().map((r) => r.period);
  for (const period of periods) {
    const next = addMonths(period, 1);
    for (const [day, late] of [[5, false], [15, true]] as const) {
      tx.update(s.figures)
        .set({ submittedAt: momentInDubai(next, day, 10), submittedBy: "demo-generator" })
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
