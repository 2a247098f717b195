// A synthetic catalogue at government scale, written the way a real office would hand it over:
// a definitions folder in the contract's YAML (§1) and a figures file in the contract's CSV (§2).
// The benchmark loads both through `kpi sync` and `kpi import`, so what it measures is what a
// real database built by the public path looks like. Deterministic: every run sees the same data.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { periodRange } from "../app/figures/month";

export interface Scale {
  entities: number;
  kpis: number;
  /** First and last month of figures, inclusive. */
  from: string;
  to: string;
}

/** The main table's database: 100 entities × 50 KPIs × 120 months = 600,000 figures. */
export const SCALE: Scale = { entities: 100, kpis: 50, from: "2015-01", to: "2024-12" };
/** The month every page is asked for: inside the history, with 12 months before it and after. */
export const BENCH_PERIOD = "2024-06";

export const entityCode = (i: number) => `E${String(i + 1).padStart(3, "0")}`;
export const kpiCode = (i: number) => `K${String(i + 1).padStart(2, "0")}`;

/** What the i-th KPI is; a mix so every branch of the engine and the importer is exercised. */
function kpiShape(i: number) {
  if (i % 2 === 0) {
    // Every tenth KPI is a ratio that is not a share (e.g. requests per service), the rest shares.
    const percent = i % 10 !== 4;
    return { measure: "ratio", unit: percent ? "percent" : "number", aggregation: "ratio-of-sums" } as const;
  }
  if (i % 5 === 1) return { measure: "value", unit: "yes-no", aggregation: "mean" } as const;
  if (i % 5 === 3) return { measure: "value", unit: "days", aggregation: "mean" } as const;
  return { measure: "value", unit: "count", aggregation: "sum" } as const;
}

const bilingual = (en: string, ar: string) => ({ en, ar });

/** Writes entities.yaml, strategy.yaml and kpis/K01.yaml… into `dir`. */
export function writeDefinitionsFolder(dir: string, scale: Scale): void {
  mkdirSync(path.join(dir, "kpis"), { recursive: true });
  const codes = Array.from({ length: scale.entities }, (_, i) => entityCode(i));
  // Entities in groups of ten under the first of each group, as departments under an authority.
  const entities = codes.map((code, i) => ({
    code,
    name: bilingual(`Entity ${i + 1}`, `الجهة ${i + 1}`),
    ...(i % 10 === 0 ? {} : { parent: codes[i - (i % 10)] }),
  }));
  writeFileSync(path.join(dir, "entities.yaml"), stringify({ entities }));

  const list = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ code: `${prefix}-${i}`, name: bilingual(`${prefix} ${i}`, `${prefix} ${i} (ع)`) }));
  writeFileSync(
    path.join(dir, "strategy.yaml"),
    stringify({
      dimensions: list("dimension", 6),
      pillars: list("pillar", 4),
      initiatives: list("initiative", 10).map((x, i) => ({ ...x, pillar: `pillar-${i % 4}`, owner: codes[i % codes.length] })),
      policies: list("policy", 5).map((x, i) => ({ ...x, reference: `Circular ${i + 1} of 2015` })),
    }),
  );

  for (let i = 0; i < scale.kpis; i++) {
    const code = kpiCode(i);
    const shape = kpiShape(i);
    const yesNo = shape.unit === "yes-no";
    const decrease = shape.unit === "days" || i % 7 === 3;
    const high = yesNo ? 1 : shape.unit === "percent" ? 80 : shape.measure === "ratio" ? 0.8 : 50;
    const kpi = {
      code,
      name: bilingual(`KPI ${i + 1}`, `المؤشر ${i + 1}`),
      description: bilingual(`Synthetic KPI ${i + 1} for the benchmark.`, `مؤشر اصطناعي ${i + 1} لقياس الأداء.`),
      unit: shape.unit,
      direction: decrease ? "decrease" : "increase",
      measure: shape.measure,
      ...(shape.measure === "ratio"
        ? { numerator: bilingual("Transactions through smart channels", "المعاملات الذكية"), denominator: bilingual("All transactions", "كل المعاملات") }
        : {}),
      aggregation: shape.aggregation,
      // K01 weighs most, so it is the overview's headline KPI.
      weight: i === 0 ? 5 : 1 + (i % 3),
      // Everyone reports everything: 100 × 50 × 120 is the 600,000 figures of the issue.
      reporters: "all",
      links: {
        policies: [`policy-${i % 5}`],
        initiatives: [`initiative-${i % 10}`],
        pillars: [`pillar-${i % 4}`],
        dimensions: [`dimension-${i % 6}`],
      },
      targets: [
        // A trajectory from 2020 to a final target at the end of 2022, for everyone.
        { value: high, due: "2022-12", from: { period: "2020-01", value: yesNo ? 0 : high * 0.75 } },
        // A stricter one still ahead for one entity: pending at the benchmark month.
        { value: yesNo ? 1 : high * 1.1, due: "2026-12", entities: [codes[i % codes.length]] },
        // A city-wide target on every third KPI.
        ...(i % 3 === 0 ? [{ value: high, due: "2021-12", scope: "city" }] : []),
      ],
      bands: { "at-risk": 0.9 },
    };
    writeFileSync(path.join(dir, "kpis", `${code}.yaml`), stringify(kpi));
  }
}

/** A small deterministic generator (mulberry32). */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CSV_HEADER = "entity,kpi,period,value,numerator,denominator,comment\n";

/**
 * Writes the contract's figures CSV for every reporter × KPI × month of `scale` to `file`.
 * Returns the number of figure rows.
 */
export function writeFiguresCsv(file: string, scale: Scale): number {
  const rand = random(42);
  const periods = periodRange(scale.from, scale.to);
  const fd = openSync(file, "w");
  let buffer = CSV_HEADER;
  let rows = 0;
  const flush = () => {
    writeSync(fd, buffer);
    buffer = "";
  };
  try {
    for (let k = 0; k < scale.kpis; k++) {
      const shape = kpiShape(k);
      for (let e = 0; e < scale.entities; e++) {
        const entity = entityCode(e);
        const kpi = kpiCode(k);
        const base = rand();
        periods.forEach((period, m) => {
          const progress = Math.min(1, base * 0.6 + (m / periods.length) * 0.5 + rand() * 0.05);
          let fields: string;
          if (shape.measure === "ratio") {
            const denominator = 1000 + Math.floor(rand() * 100000);
            const numerator = Math.floor(denominator * progress);
            fields = `,${numerator},${denominator}`;
          } else if (shape.unit === "yes-no") {
            fields = `${progress > 0.6 ? 1 : 0},,`;
          } else if (shape.unit === "days") {
            fields = `${(20 - progress * 15).toFixed(1)},,`;
          } else {
            fields = `${Math.round(progress * 100)},,`;
          }
          // A comment now and then, quoted with a comma inside, as spreadsheets write them.
          const comment = rows % 97 === 0 ? `"checked, see note ${rows}"` : "";
          buffer += `${entity},${kpi},${period},${fields},${comment}\n`;
          rows++;
        });
        if (buffer.length > 1 << 20) flush();
      }
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return rows;
}

/** How many figures `scale` makes: every entity reports every KPI every month. */
export function figureCount(scale: Scale): number {
  return scale.entities * scale.kpis * periodRange(scale.from, scale.to).length;
}
