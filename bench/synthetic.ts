// A synthetic catalogue at government scale: 100 entities × 50 KPIs × 120 months = 600,000
// figures, in a temporary SQLite file. Deterministic, so every run measures the same data.
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, type Db } from "../db/index";
import type { DefinitionSet, KpiDefinition } from "../app/definitions/schema";
import { syncDefinitions } from "../app/models/sync.server";
import { periodRange } from "../app/utils/period";

export const SCALE = { entities: 100, kpis: 50, from: "2015-01", to: "2024-12" };
export const BENCH_PERIOD = "2024-06";

const name = (en: string) => ({ en, ar: `${en} (ع)` });

export function syntheticDefinitions(): DefinitionSet {
  const entities = Array.from({ length: SCALE.entities }, (_, i) => ({
    code: `E${String(i + 1).padStart(3, "0")}`,
    name: name(`Entity ${i + 1}`),
  }));
  const codes = entities.map((e) => e.code);
  const kpis: Array<KpiDefinition & { file: string }> = Array.from(
    { length: SCALE.kpis },
    (_, i) => {
      const code = `K${String(i + 1).padStart(2, "0")}`;
      const ratio = i % 2 === 0;
      return {
        code,
        file: `kpis/${code}.yaml`,
        name: name(`KPI ${i + 1}`),
        unit: ratio ? "percent" : i % 5 === 1 ? "yes-no" : "count",
        direction: i % 7 === 3 ? "decrease" : "increase",
        measure: ratio ? "ratio" : "value",
        numerator: ratio ? name("n") : undefined,
        denominator: ratio ? name("d") : undefined,
        aggregation: ratio ? "ratio-of-sums" : i % 5 === 1 ? "mean" : "sum",
        weight: 1 + (i % 3),
        reporters: "all",
        links: {
          policies: [`policy-${i % 5}`],
          initiatives: [`initiative-${i % 10}`],
          pillars: [`pillar-${i % 4}`],
          dimensions: [`dimension-${i % 6}`],
        },
        targets: [
          {
            value: ratio ? 80 : i % 5 === 1 ? 1 : 50,
            due: "2022-12",
            from: { period: "2020-01", value: ratio ? 60 : i % 5 === 1 ? 0 : 20 },
          },
          {
            value: ratio ? 90 : i % 5 === 1 ? 1 : 80,
            due: "2026-12",
            entities: [codes[i % SCALE.entities]],
          },
        ],
        bands: { "at-risk": 0.9 },
      };
    },
  );
  const list = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ code: `${prefix}-${i}`, name: name(`${prefix} ${i}`) }));
  return {
    entities,
    strategy: {
      dimensions: list("dimension", 6),
      pillars: list("pillar", 4),
      initiatives: list("initiative", 10).map((x, i) => ({ ...x, pillar: `pillar-${i % 4}` })),
      policies: list("policy", 5),
    },
    kpis,
  };
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

export function buildSyntheticDatabase(file: string): { db: Db; figures: number } {
  const db = openDatabase(file);
  const definitions = syntheticDefinitions();
  syncDefinitions(db, definitions, "2025-01-01T00:00:00.000Z");
  const rand = random(42);
  const periods = periodRange(SCALE.from, SCALE.to);
  // Bulk load straight through one prepared statement: this is test data, not an import, and
  // 600,000 rows through the row-by-row import path would take minutes.
  const insert = db.$client.prepare(
    `INSERT INTO figures (entity_code, kpi_code, period, value, numerator, denominator, status, source, entered_by, entered_at, updated_by, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'approved', 'seed', 'bench', '2025-01-01T00:00:00Z', 'bench', '2025-01-01T00:00:00Z')`,
  );
  let count = 0;
  db.$client.transaction(() => {
    for (const kpi of definitions.kpis) {
      const reporters =
        kpi.reporters === "all" ? definitions.entities.map((e) => e.code) : kpi.reporters;
      for (const entity of reporters) {
        const base = rand();
        periods.forEach((period, m) => {
          const progress = Math.min(1, base * 0.6 + (m / periods.length) * 0.5 + rand() * 0.05);
          if (kpi.measure === "ratio") {
            const denominator = 1000 + Math.floor(rand() * 100000);
            const numerator = Math.floor(denominator * progress);
            insert.run(
              entity,
              kpi.code,
              period,
              (100 * numerator) / denominator,
              numerator,
              denominator,
            );
          } else if (kpi.unit === "yes-no") {
            insert.run(entity, kpi.code, period, progress > 0.6 ? 1 : 0, null, null);
          } else {
            insert.run(entity, kpi.code, period, Math.round(progress * 100), null, null);
          }
          count++;
        });
      }
    }
  })();
  return { db, figures: count };
}

/** The benchmark database, built once per machine and reused while it exists. */
export function benchDatabasePath(): string {
  const dir = path.join(tmpdir(), "smart-compliance-bench");
  mkdirSync(dir, { recursive: true });
  return path.join(
    dir,
    `synthetic-${SCALE.entities}x${SCALE.kpis}x${SCALE.from}-${SCALE.to}-v3.db`,
  );
}

export function ensureBenchDatabase(): {
  file: string;
  built: boolean;
  figures: number | null;
  ms: number;
} {
  const file = benchDatabasePath();
  if (existsSync(file)) return { file, built: false, figures: null, ms: 0 };
  const started = performance.now();
  const tmp = `${file}.${process.pid}.tmp`;
  const { db, figures } = buildSyntheticDatabase(tmp);
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  db.$client.close();
  // Renamed into place only when complete, so an interrupted build is never reused.
  renameSync(tmp, file);
  return { file, built: true, figures, ms: performance.now() - started };
}
