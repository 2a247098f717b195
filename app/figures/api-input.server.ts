// Figures sent to POST /api/v1/figures, read into the rows every other way in checks
// (checkFigureRows): a JSON body, or the contract's CSV. Nothing here touches the database. A
// figure is named by its `line` in both: the n-th figure sent, counting from 1 (for CSV, the n-th
// data line; `fileLine` counts the header as line 1, as `kpi import` does).
import { readFiguresCsv, type ImportError, type ParsedRow } from "./csv.server";
import { PROBLEM_CODES, describeProblem, type FigureProblem, type RawFigure } from "./rules";

/** The most figures one request may carry; more is a 413. */
export const MAX_FIGURES_PER_REQUEST = 10_000;

/** One problem with what was sent, as the API reports it. */
export interface SentProblem {
  /** The figure: 1 for the first one sent; null for a problem with the body as a whole. */
  line: number | null;
  /** CSV only: the line in the file, the header being line 1. */
  fileLine?: number;
  field: string | null;
  code: string;
  message: string;
}

export type SentFigures =
  | { ok: true; rows: ParsedRow[]; problems: SentProblem[]; toLine: (row: number) => number | null; fileLines: boolean }
  | { ok: false; status: 400 | 413; message: string };

const FIELDS = ["entity", "kpi", "period", "value", "numerator", "denominator", "comment"] as const;
type Field = (typeof FIELDS)[number];

/** A JSON number as the plain decimal text the rules read ("1e-7" is "0.0000001"). */
export function decimalText(n: number): string {
  const text = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text; // plain already, or Infinity/NaN, which the rules refuse as not a number
  const [, sign, whole, fraction = "", exponent] = m;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A name from the request, safe to quote in an answer. */
const quoted = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** `{"figures":[{entity, kpi, period, value | numerator + denominator, comment}, ...]}` */
export function readJsonFigures(text: string): SentFigures {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, message: "The body is not valid JSON." };
  }
  if (!isPlainObject(body)) {
    return { ok: false, status: 400, message: `The body must be a JSON object {"figures": [...]}, not ${kindOf(body)}.` };
  }
  const extra = Object.keys(body).filter((k) => k !== "figures");
  if (extra.length > 0) {
    return { ok: false, status: 400, message: `Unknown field ${quoted(extra[0])} in the body: it takes "figures" only.` };
  }
  const figures = body.figures;
  if (!Array.isArray(figures)) {
    return { ok: false, status: 400, message: `"figures" must be a list of figures, not ${kindOf(figures)}.` };
  }
  if (figures.length === 0) return { ok: false, status: 400, message: `"figures" is empty: send at least one figure.` };
  if (figures.length > MAX_FIGURES_PER_REQUEST) {
    return {
      ok: false,
      status: 413,
      message: `${figures.length} figures in one request: at most ${MAX_FIGURES_PER_REQUEST} may be sent at once. Split them over several requests.`,
    };
  }

  const rows: ParsedRow[] = [];
  const problems: SentProblem[] = [];
  figures.forEach((item: unknown, index) => {
    const line = index + 1;
    const problem = (field: string | null, message: string) => problems.push({ line, field, code: "bad-field", message });
    if (!isPlainObject(item)) return problem(null, `a figure must be an object, not ${kindOf(item)}`);
    const raw: Partial<Record<Field, string>> = {};
    let bad = false;
    for (const [key, value] of Object.entries(item)) {
      if (!(FIELDS as readonly string[]).includes(key)) {
        problem(key.slice(0, 40), `unknown field ${quoted(key)}; a figure takes ${FIELDS.join(", ")}`);
        bad = true;
        continue;
      }
      const field = key as Field;
      if (value === null || value === undefined) continue;
      if (typeof value === "string") raw[field] = value;
      else if (typeof value === "number" && (field === "value" || field === "numerator" || field === "denominator")) {
        raw[field] = decimalText(value);
      } else if (typeof value === "boolean" && field === "value") {
        raw[field] = String(value); // a yes-no KPI: true/false are among the accepted words
      } else {
        const expected = field === "value" || field === "numerator" || field === "denominator" ? "a number or text" : "text";
        problem(field, `${field} must be ${expected}, not ${kindOf(value)}`);
        bad = true;
      }
    }
    if (bad) return;
    const figure: RawFigure = {
      entity: raw.entity ?? "",
      kpi: raw.kpi ?? "",
      period: raw.period ?? "",
      value: raw.value,
      numerator: raw.numerator,
      denominator: raw.denominator,
      comment: raw.comment,
    };
    rows.push({ line, raw: figure });
  });
  return { ok: true, rows, problems, toLine: (line) => line, fileLines: false };
}

/** The contract's CSV (§2): the n-th data record is figure n, whatever blank or wrapped lines precede it. */
export function readCsvFigures(text: string): SentFigures {
  const { rows, errors } = readFiguresCsv(text);
  // Every data record is either a row or a "field-count" error: together, in file order, they
  // number the figures.
  const recordLines = [...rows.map((r) => r.line), ...errors.filter((e) => e.code === "field-count").map((e) => e.line)].sort(
    (a, b) => a - b,
  );
  if (recordLines.length > MAX_FIGURES_PER_REQUEST) {
    return {
      ok: false,
      status: 413,
      message: `${recordLines.length} figures in one request: at most ${MAX_FIGURES_PER_REQUEST} may be sent at once. Split them over several requests.`,
    };
  }
  const dataLine = new Map(recordLines.map((fileLine, i) => [fileLine, i + 1]));
  return {
    ok: true,
    rows,
    problems: errors.flatMap((e) => sentProblems(e, (l) => dataLine.get(l) ?? null, true)),
    toLine: (fileLine) => dataLine.get(fileLine) ?? null,
    fileLines: true,
  };
}

/** Which field a problem with a row as a whole is about. */
const FIELD_OF_CODE: Record<string, string> = { "other-entity": "entity", duplicate: "kpi" };

/** An import error (of checkFigureRows, or of saving) as the API reports it: one entry a problem. */
export function sentProblems(error: ImportError, toLine: (line: number) => number | null, fileLines: boolean): SentProblem[] {
  const at = { line: toLine(error.line), ...(fileLines ? { fileLine: error.line } : {}) };
  if (error.problems.length === 0) {
    return [{ ...at, field: error.code ? (FIELD_OF_CODE[error.code] ?? null) : null, code: error.code ?? "bad-row", message: error.message }];
  }
  return error.problems.map((p: FigureProblem) => ({
    ...at,
    field: p.field,
    code: p.code,
    // The form's own codes (awaiting review, justify) come with the error's English already.
    message: (PROBLEM_CODES as readonly string[]).includes(p.code) ? describeProblem(p) : error.message,
  }));
}
