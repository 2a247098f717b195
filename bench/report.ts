// The benchmark's goals (issue 11) and the table that holds results against them.

export const GOALS = {
  /** Every page and the API report: the median, in ms, and against its floor. */
  pageMs: 150,
  pageRatio: 3,
  /** The whole-history long CSV: first byte, and what else may wait on it. */
  longCsvFirstByteMs: 1000,
  entityDuringExportMs: 300,
  serverRssMb: 350,
  /** `kpi import` of the 600,000 figures. */
  importRowsPerSecond: 30_000,
  importRatio: 2,
  importPeakRssMb: 250,
  /** Growth: 4× the entities may cost at most 4× the time; 4× the months at most 1.2×. */
  growthEntities: 4,
  growthMonths: 1.2,
} as const;

export interface ResultRow {
  name: string;
  /** Median, floor median and best, in ms; null where the row has no such number. */
  ms: number | null;
  floorMs: number | null;
  bestMs: number | null;
  floorBestMs: number | null;
  /** Bytes of the body on the wire and after decompression. */
  wireBytes: number | null;
  bytes: number | null;
  /** What the row measures beyond time (rows/s, MB, status codes). */
  note: string;
  /** Empty when every goal of the row is met; otherwise what is missed. */
  misses: string[];
  /** False for rows that only inform (no goal). */
  judged: boolean;
}

export const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
export const best = (xs: number[]) => Math.min(...xs);

/** A page's or the API's verdict: under the time goal, and within the ratio of its floor. */
export function pageMisses(ms: number, floorMs: number, statuses: number[]): string[] {
  const misses: string[] = [];
  const bad = statuses.filter((s) => s !== 200);
  if (bad.length > 0) misses.push(`status ${[...new Set(bad)].join("/")}`);
  if (ms > GOALS.pageMs) misses.push(`> ${GOALS.pageMs} ms`);
  if (ms / floorMs > GOALS.pageRatio) misses.push(`> ${GOALS.pageRatio}× floor`);
  return misses;
}

const kb = (n: number | null) => (n === null ? "" : n < 10_240 ? `${(n / 1024).toFixed(1)}` : `${Math.round(n / 1024)}`);
const fixed = (n: number | null, digits = 1) => (n === null || Number.isNaN(n) ? "" : n.toFixed(digits));

/** The table as printed: one line a row, aligned, with the verdict last. */
export function formatTable(rows: ResultRow[]): string {
  const header = ["case", "median ms", "floor ms", "ratio", "best ms", "floor best", "KB wire/raw", "note", "verdict"];
  const lines = rows.map((r) => [
    r.name,
    fixed(r.ms),
    fixed(r.floorMs, 2),
    r.ms !== null && r.floorMs ? fixed(r.ms / r.floorMs, 1) : "",
    fixed(r.bestMs),
    fixed(r.floorBestMs, 2),
    r.wireBytes === null ? "" : `${kb(r.wireBytes)}/${kb(r.bytes)}`,
    r.note,
    !r.judged ? "(info)" : r.misses.length === 0 ? "ok" : `MISS: ${r.misses.join(", ")}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  // Text columns to the left, numbers to the right.
  const left = new Set([0, 7, 8]);
  const format = (cells: string[]) =>
    cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  return [format(header), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(format)].join("\n");
}
