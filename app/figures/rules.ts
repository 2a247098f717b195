// The rules a monthly figure must pass (contract §2), whichever way it arrives: a CSV import,
// the entry form or an upload. Pure, so the browser can show the same checks as a convenience
// while the server applies them as the guard.
import { PERIOD_PATTERN } from "../definitions/schema";
import { EARLIEST_PERIOD } from "../figures/month";
import type { Measure, Unit } from "../definitions/schema";

export interface KpiRules {
  unit: Unit;
  measure: Measure;
  /** null when every entity reports the KPI. */
  reporters: ReadonlySet<string> | null;
}

export interface FigureRules {
  entities: ReadonlySet<string>;
  kpis: ReadonlyMap<string, KpiRules>;
  lockedPeriods: ReadonlySet<string>;
  /** The current month in Asia/Dubai: figures for later months are refused. */
  currentPeriod: string;
}

/** A figure as typed or read from a file: every field still text. */
export interface RawFigure {
  entity: string;
  kpi: string;
  period: string;
  value?: string;
  numerator?: string;
  denominator?: string;
  comment?: string;
}

export interface CheckedFigure {
  entity: string;
  kpi: string;
  period: string;
  value: number;
  numerator: number | null;
  denominator: number | null;
  comment: string | null;
}

export const PROBLEM_CODES = [
  "unknown-entity",
  "unknown-kpi",
  "not-a-reporter",
  "bad-period",
  "future-period",
  "early-period",
  "locked-period",
  "missing-value",
  "not-a-number",
  "negative",
  "not-whole",
  "numerator-above-denominator",
  "zero-denominator",
  "percent-out-of-range",
  "bad-yes-no",
  "value-on-ratio",
  "ratio-on-value",
  "comment-too-long",
  "control-characters",
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export interface FigureProblem {
  code: ProblemCode;
  /** The field the problem is about, for showing it next to that field. */
  field: keyof RawFigure;
  params: Record<string, string | number>;
}

export const MAX_COMMENT_LENGTH = 2000;

// eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * Whether free text holds characters nobody types: NUL and the other C0 controls but tab and
 * line breaks. Stored, they end up raw in exports and in other people's terminals and parsers.
 */
export function hasControlCharacters(text: string): boolean {
  return CONTROL_CHARACTERS.test(text);
}

const ARABIC_INDIC = /[\u0660-\u0669\u06F0-\u06F9]/g;
const NOT_ASCII = /[^\x20-\x7E\t\n\r]/;

/** Turns Arabic-Indic digits (and ٫ as the decimal separator) into ASCII. */
export function normaliseDigits(text: string): string {
  // Most figures are typed in ASCII: skip the replacements (a large import reads millions of fields).
  if (!NOT_ASCII.test(text)) return text.trim();
  return text
    .replace(ARABIC_INDIC, (d) => String(d.charCodeAt(0) & 0xf))
    .replace(/\u066B/g, ".")
    .trim();
}

/**
 * A number as a person types it into a form, thousands separators and all: `1,200,000`,
 * `١٬٢٠٠٬٠٠٠` (the Arabic thousands separator), `1 200 000` (a space, a no-break or a thin space).
 * Only a well-formed grouping is ungrouped: `1,2` stays as typed, and is refused, because it may
 * be a decimal comma. Files keep the contract's plain numbers; this is for forms only.
 */
export function ungroupTyped(text: string): string {
  const plain = normaliseDigits(text);
  return GROUPED.test(plain) ? plain.replace(/[,\u066C\u00A0\u202F\u2009 ]/g, "") : text;
}
const GROUPED = /^-?\d{1,3}(?:([,\u066C\u00A0\u202F\u2009 ])\d{3})(?:\1\d{3})*(?:\.\d+)?$/;

/** Parses a plain decimal number; null when the text is not one (no exponents, no separators). */
export function parseNumber(text: string): number | null {
  const plain = normaliseDigits(text);
  if (!/^-?\d+(\.\d+)?$/.test(plain)) return null;
  const n = Number(plain);
  return Number.isFinite(n) ? n : null;
}

const YES = new Set(["1", "yes", "true", "نعم"]);
const NO = new Set(["0", "no", "false", "لا"]);

export function parseYesNo(text: string): 1 | 0 | null {
  const word = normaliseDigits(text).toLowerCase();
  if (YES.has(word)) return 1;
  if (NO.has(word)) return 0;
  return null;
}

export type CheckResult =
  { ok: true; figure: CheckedFigure } | { ok: false; problems: FigureProblem[] };

export function checkFigure(raw: RawFigure, rules: FigureRules): CheckResult {
  const problems: FigureProblem[] = [];
  const problem = (
    code: ProblemCode,
    field: keyof RawFigure,
    params: Record<string, string | number> = {},
  ) => problems.push({ code, field, params });

  const entity = raw.entity.trim();
  const kpiCode = raw.kpi.trim();
  const period = normaliseDigits(raw.period);
  const kpi = rules.kpis.get(kpiCode);

  if (!rules.entities.has(entity)) problem("unknown-entity", "entity", { entity });
  if (!kpi) problem("unknown-kpi", "kpi", { kpi: kpiCode });
  if (kpi && rules.entities.has(entity) && kpi.reporters && !kpi.reporters.has(entity)) {
    problem("not-a-reporter", "entity", { entity, kpi: kpiCode });
  }
  if (!PERIOD_PATTERN.test(period)) problem("bad-period", "period", { period: raw.period.trim() });
  else if (period < EARLIEST_PERIOD) problem("early-period", "period", { period, earliest: EARLIEST_PERIOD });
  else if (period > rules.currentPeriod)
    problem("future-period", "period", { period, current: rules.currentPeriod });
  else if (rules.lockedPeriods.has(period)) problem("locked-period", "period", { period });

  const comment = raw.comment?.trim() ? raw.comment.trim() : null;
  if (comment && comment.length > MAX_COMMENT_LENGTH) {
    problem("comment-too-long", "comment", { max: MAX_COMMENT_LENGTH });
  } else if (comment && hasControlCharacters(comment)) {
    problem("control-characters", "comment");
  }

  let value: number | null = null;
  let numerator: number | null = null;
  let denominator: number | null = null;
  const given = (text: string | undefined) => text !== undefined && text.trim() !== "";

  if (kpi?.measure === "ratio") {
    // Contract §2: a ratio KPI's value is left empty; a value beside the pair would be ignored
    // silently, and may disagree with it.
    if (given(raw.value)) {
      problem("value-on-ratio", "value", { kpi: kpiCode });
    } else {
      numerator = readNumber(raw, "numerator", problem);
      denominator = readNumber(raw, "denominator", problem);
      if (numerator !== null && numerator < 0)
        problem("negative", "numerator", { value: numerator });
      if (denominator !== null && denominator < 0)
        problem("negative", "denominator", { value: denominator });
      if (denominator === 0) problem("zero-denominator", "denominator");
      if (
        kpi.unit === "percent" &&
        numerator !== null &&
        denominator !== null &&
        numerator > denominator &&
        denominator > 0
      ) {
        problem("numerator-above-denominator", "numerator", { numerator, denominator });
      }
      if (numerator !== null && denominator !== null && denominator > 0 && numerator >= 0) {
        value = kpi.unit === "percent" ? (100 * numerator) / denominator : numerator / denominator;
      }
    }
  } else if (kpi) {
    if (given(raw.numerator) || given(raw.denominator)) {
      problem("ratio-on-value", "value", { kpi: kpiCode });
    } else if (kpi.unit === "yes-no") {
      if (!given(raw.value)) problem("missing-value", "value");
      else {
        value = parseYesNo(raw.value!);
        if (value === null) problem("bad-yes-no", "value", { value: raw.value!.trim() });
      }
    } else {
      value = readNumber(raw, "value", problem);
      if (value !== null) {
        if (kpi.unit === "percent" && (value < 0 || value > 100))
          problem("percent-out-of-range", "value", { value });
        else if (value < 0 && kpi.unit !== "number" && kpi.unit !== "currency")
          problem("negative", "value", { value });
        else if (kpi.unit === "count" && !Number.isInteger(value))
          problem("not-whole", "value", { value });
      }
    }
  }

  if (problems.length > 0 || value === null || !kpi) return { ok: false, problems };
  return {
    ok: true,
    figure: { entity, kpi: kpiCode, period, value, numerator, denominator, comment },
  };
}

function readNumber(
  raw: RawFigure,
  field: "value" | "numerator" | "denominator",
  problem: (
    code: ProblemCode,
    field: keyof RawFigure,
    params?: Record<string, string | number>,
  ) => void,
): number | null {
  const text = raw[field];
  if (text === undefined || text.trim() === "") {
    problem("missing-value", field);
    return null;
  }
  const n = parseNumber(text);
  if (n === null) problem("not-a-number", field, { text: text.trim() });
  return n;
}

/** The problem in plain English, for the command line and logs. */
export function describeProblem(p: FigureProblem): string {
  const v = p.params;
  switch (p.code) {
    case "unknown-entity":
      return `unknown entity "${v.entity}"`;
    case "unknown-kpi":
      return `unknown KPI "${v.kpi}"`;
    case "not-a-reporter":
      return `entity ${v.entity} does not report ${v.kpi}`;
    case "bad-period":
      return `period "${v.period}" is not a month as YYYY-MM`;
    case "future-period":
      return `period ${v.period} is in the future (the current month is ${v.current})`;
    case "early-period":
      return `period ${v.period} is before ${v.earliest}, the earliest month figures are kept for`;
    case "locked-period":
      return `period ${v.period} is locked`;
    case "missing-value":
      return `${p.field} is missing`;
    case "not-a-number":
      return `${p.field} "${v.text}" is not a number`;
    case "negative":
      return `${p.field} ${v.value} is negative`;
    case "not-whole":
      return `${p.field} ${v.value} is not a whole number`;
    case "numerator-above-denominator":
      return `numerator ${v.numerator} is greater than denominator ${v.denominator}`;
    case "zero-denominator":
      return "denominator is 0";
    case "percent-out-of-range":
      return `percentage ${v.value} is outside 0–100`;
    case "bad-yes-no":
      return `"${v.value}" is not yes or no (use 1/0, yes/no, true/false or نعم/لا)`;
    case "value-on-ratio":
      return `${v.kpi} is a ratio KPI: give numerator and denominator, not value`;
    case "ratio-on-value":
      return `${v.kpi} takes a value, not numerator and denominator`;
    case "comment-too-long":
      return `comment is longer than ${v.max} characters`;
    case "control-characters":
      return "comment holds control characters (such as NUL); remove them";
  }
}
