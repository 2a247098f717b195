// The monthly entry form's one schema, read by the server and checked in the browser. The server
// parses a post with `entryShape` (what the form may send, bounded) and hands it to saveEntry,
// which checks every figure with checkFigure; the browser checks the same fields with
// `entryChecks`, which runs the same checkFigure on what is typed, so a field's message is the
// same whether it comes from a blur or from the server.
import { z } from "zod";
import type { Measure, Unit } from "../definitions/schema";
import { checkFigure, type FigureProblem, type FigureRules, ungroupTyped } from "./rules";

/** A problem with one KPI's fields, as the form shows it. */
export type EntryProblem =
  | FigureProblem
  | { code: "justify"; field: "comment"; params: Record<string, string | number> }
  | {
      code: "required-to-submit" | "awaiting-review" | "already-approved" | "changed-by-other";
      field: "value";
      params: Record<string, string | number>;
    };

/** A KPI's fields are named `value.CODE`, `numerator.CODE`…; codes are the definitions' own. */
const KPI_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const MAX_KPIS = 200;
const perKpi = (max: number) =>
  z
    .record(z.string().regex(KPI_CODE), z.string().max(max))
    .refine((fields) => Object.keys(fields).length <= MAX_KPIS)
    .default({});

/**
 * What the entry form may send: anything else (a field of megabytes, a thousand KPIs) is refused
 * whole. The bounds are loose enough that a long number or comment gets its own message from
 * checkFigure ("not a number", "at most 2,000 characters") rather than this refusal.
 */
export const entryShape = z.object({
  intent: z.enum(["save", "submit"]).default("save"),
  version: perKpi(12),
  value: perKpi(1_000),
  numerator: perKpi(1_000),
  denominator: perKpi(1_000),
  comment: perKpi(20_000),
});
export type EntryPost = z.infer<typeof entryShape>;

export interface EntryKpi {
  code: string;
  unit: Unit;
  measure: Measure;
}

/** The fields of one KPI as typed, thousands separators forgiven (forms only, not files). */
export function typedFigure(post: EntryPost, kpi: string) {
  const typed = (text: string | undefined) => (text === undefined ? undefined : ungroupTyped(text));
  return {
    value: typed(post.value[kpi]),
    numerator: typed(post.numerator[kpi]),
    denominator: typed(post.denominator[kpi]),
    comment: post.comment[kpi],
  };
}

const given = (text: string | undefined) => text !== undefined && text.trim() !== "";

/** The field a problem is shown beside: a ratio's value problems sit with its numerator. */
export function problemField(kpi: EntryKpi, field: string): "value" | "numerator" | "denominator" | "comment" {
  if (field === "numerator" || field === "denominator" || field === "comment") return field;
  return kpi.measure === "ratio" ? "numerator" : "value";
}

/**
 * The browser's check of what is typed: each KPI's fields through checkFigure, the server's own
 * rules, for the entity and month of the page. Months, locks and jumps are the server's to judge.
 */
export function entryChecks(context: { entity: string; period: string; kpis: EntryKpi[] }) {
  const rules: FigureRules = {
    entities: new Set([context.entity]),
    kpis: new Map(context.kpis.map((k) => [k.code, { unit: k.unit, measure: k.measure, reporters: null }])),
    lockedPeriods: new Set(),
    currentPeriod: context.period,
  };
  return entryShape.superRefine((post, issues) => {
    for (const kpi of context.kpis) {
      const typed = typedFigure(post, kpi.code);
      if (!given(typed.value) && !given(typed.numerator) && !given(typed.denominator)) continue;
      const checked = checkFigure({ entity: context.entity, kpi: kpi.code, period: context.period, ...typed }, rules);
      if (checked.ok) continue;
      for (const problem of checked.problems) {
        issues.addIssue({ code: "custom", path: [problemField(kpi, problem.field), kpi.code], message: JSON.stringify(problem) });
      }
    }
  });
}

/** conform's formatError: each issue back to the problem it carries. */
export function problemsOf(issues: ReadonlyArray<{ message: string }>): EntryProblem[] {
  return issues.flatMap((issue) => {
    try {
      return [JSON.parse(issue.message) as EntryProblem];
    } catch {
      return [];
    }
  });
}
