import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { runKpi, USAGE } from "./run";

const ROOT = path.resolve(__dirname, "..");
const DEFINITIONS_DIR = path.join(ROOT, "kpi-definitions");
const GOOD_CSV = path.join(ROOT, "tests/fixtures/figures-good.csv");
const BAD_CSV = path.join(ROOT, "tests/fixtures/figures-bad.csv");
const NOW = new Date("2026-11-24T10:00:00Z");

// Made at load time: describe blocks below pick their database paths while being collected.
const scratch = mkdtempSync(path.join(tmpdir(), "kpi-cli-test-"));
let databases = 0;

afterAll(() => {
  // runKpi keeps the process's connection open (db/index.ts getDatabase); close it before cleaning up.
  globalThis.__smartComplianceDb?.db.$client.close();
  globalThis.__smartComplianceDb = undefined;
  rmSync(scratch, { recursive: true, force: true });
});

/** A database path nobody has used yet, inside a folder that does not exist yet. */
function freshDatabasePath(): string {
  databases += 1;
  return path.join(scratch, `db-${databases}`, "nested", "kpi.db");
}

interface Run {
  code: number;
  out: string[];
  err: string[];
}

function run(
  args: string[],
  env: { DATABASE_PATH: string; KPI_DEFINITIONS_DIR?: string },
  now: Date = NOW,
): Run {
  const out: string[] = [];
  const err: string[] = [];
  const code = runKpi(args, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: { KPI_DEFINITIONS_DIR: DEFINITIONS_DIR, ...env },
    now,
  });
  return { code, out, err };
}

/** Reads a table through a connection of its own, as another process would. */
function query<T>(file: string, sql: string): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const countOf = (file: string, table: string) =>
  query<{ n: number }>(file, `SELECT count(*) AS n FROM ${table}`)[0].n;

function brokenDefinitionsCopy(): string {
  const dir = mkdtempSync(path.join(scratch, "definitions-"));
  cpSync(DEFINITIONS_DIR, dir, { recursive: true });
  const file = path.join(dir, "kpis", "gin-connected.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace("aggregation: sum", "aggregation: total"));
  return dir;
}

describe("kpi with no or an unknown command", () => {
  it("prints the usage and exits 2 without a command", () => {
    const result = run([], { DATABASE_PATH: freshDatabasePath() });
    expect(result).toEqual({ code: 2, out: [], err: [USAGE] });
    expect(USAGE).toMatch(/^Usage: npm run kpi -- <command>/);
  });

  it("prints the usage on standard output and exits 0 for help", () => {
    expect(run(["help"], { DATABASE_PATH: freshDatabasePath() })).toEqual({
      code: 0,
      out: [USAGE],
      err: [],
    });
  });

  it("names an unknown command and exits 2", () => {
    const result = run(["frobnicate"], { DATABASE_PATH: freshDatabasePath() });
    expect(result.code).toBe(2);
    expect(result.out).toEqual([]);
    expect(result.err).toEqual([`unknown command "frobnicate"\n\n${USAGE}`]);
  });
});

describe("kpi check", () => {
  it("accepts the real definitions folder", () => {
    expect(run(["check"], { DATABASE_PATH: freshDatabasePath() })).toEqual({
      code: 0,
      out: ["ok: 21 entities, 24 strategy items, 14 KPIs"],
      err: [],
    });
  });

  it("refuses a folder with a broken KPI file, naming the file and the field", () => {
    const dir = brokenDefinitionsCopy();
    const result = run(["check"], { DATABASE_PATH: freshDatabasePath(), KPI_DEFINITIONS_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err).toEqual([
      `${dir}: 1 error(s); nothing was loaded`,
      "  kpis/gin-connected.yaml: aggregation: expected one of ratio-of-sums, sum, mean, min, max",
    ]);
  });

  it("refuses a folder that does not exist", () => {
    const dir = path.join(scratch, "no-such-definitions");
    const result = run(["check"], { DATABASE_PATH: freshDatabasePath(), KPI_DEFINITIONS_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.err).toEqual([
      `${dir}: 1 error(s); nothing was loaded`,
      `  ${dir}: expected a definitions folder at this path`,
    ]);
  });

  it("refuses arguments with exit 2", () => {
    const result = run(["check", "extra"], { DATABASE_PATH: freshDatabasePath() });
    expect(result.code).toBe(2);
    expect(result.err[0]).toMatch(/^kpi check takes no arguments/);
  });

  it("creates and migrates the database file named by DATABASE_PATH", () => {
    const file = freshDatabasePath();
    expect(existsSync(file)).toBe(false);
    expect(run(["check"], { DATABASE_PATH: file }).code).toBe(0);
    expect(existsSync(file)).toBe(true);
    const tables = query<{ name: string }>(
      file,
      "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    ).map((t) => t.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        "entities",
        "dimensions",
        "pillars",
        "initiatives",
        "policies",
        "kpis",
        "kpi_reporters",
        "kpi_targets",
        "kpi_target_entities",
        "figures",
        "figure_history",
        "period_locks",
        "meta",
      ]),
    );
    const triggers = query<{ name: string }>(
      file,
      "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name",
    ).map((t) => t.name);
    // The append-only tables: figure history, published editions and their definitions,
    // commentary and plans' events.
    expect(triggers).toEqual([
      "commentary_no_delete",
      "commentary_no_update",
      "definition_sets_no_delete",
      "definition_sets_no_update",
      "editions_no_delete",
      "editions_no_update",
      "figure_history_no_delete",
      "figure_history_no_update",
      "plan_events_no_delete",
      "plan_events_no_update",
    ]);
    // check validates only: nothing is loaded.
    expect(countOf(file, "kpis")).toBe(0);
  });
});

describe("kpi sync", () => {
  const file = freshDatabasePath();
  let first: Run;
  let second: Run;
  beforeAll(() => {
    first = run(["sync"], { DATABASE_PATH: file });
    second = run(["sync"], { DATABASE_PATH: file });
  });

  it("loads the folder into the database on the first run", () => {
    expect(first.code).toBe(0);
    expect(first.err).toEqual([]);
    expect(first.out).toHaveLength(4);
    expect(first.out[0]).toMatch(
      /^entities: 21 added, 0 updated, 0 retired, 0 unchanged \(\+SDO \+SDG /,
    );
    expect(first.out[1]).toMatch(/^strategy: 24 added, 0 updated, 0 retired, 0 unchanged \(/);
    expect(first.out[2]).toMatch(/^KPIs: 14 added, 0 updated, 0 retired, 0 unchanged \(/);
    expect(first.out[3]).toMatch(/^definitions version [0-9a-f]{12}$/);
    expect([
      countOf(file, "entities"),
      countOf(file, "kpis"),
      countOf(file, "kpi_targets"),
    ]).toEqual([21, 14, 22]);
  });

  it("changes nothing on the second run", () => {
    expect(second).toEqual({
      code: 0,
      out: [
        "entities: 0 added, 0 updated, 0 retired, 21 unchanged",
        "strategy: 0 added, 0 updated, 0 retired, 24 unchanged",
        "KPIs: 0 added, 0 updated, 0 retired, 14 unchanged",
        first.out[3],
      ],
      err: [],
    });
    expect([
      countOf(file, "entities"),
      countOf(file, "kpis"),
      countOf(file, "kpi_targets"),
    ]).toEqual([21, 14, 22]);
  });

  it("loads nothing from a broken folder", () => {
    const empty = freshDatabasePath();
    const result = run(["sync"], {
      DATABASE_PATH: empty,
      KPI_DEFINITIONS_DIR: brokenDefinitionsCopy(),
    });
    expect(result.code).toBe(1);
    expect(result.err[1]).toBe(
      "  kpis/gin-connected.yaml: aggregation: expected one of ratio-of-sums, sum, mean, min, max",
    );
    expect([countOf(empty, "entities"), countOf(empty, "kpis"), countOf(empty, "meta")]).toEqual([
      0, 0, 0,
    ]);
  });
});

describe("kpi import", () => {
  const file = freshDatabasePath();
  beforeAll(() => {
    const synced = run(["sync"], { DATABASE_PATH: file });
    if (synced.code !== 0) throw new Error(synced.err.join("\n"));
  });

  it("refuses a bad file with exit 1, every bad line, and writes nothing", () => {
    const result = run(["import", BAD_CSV], { DATABASE_PATH: file });
    expect(result).toEqual({
      code: 1,
      out: [],
      err: [
        `${BAD_CSV}: 3 bad row(s); nothing was imported`,
        "  line 3: entity RTA does not report DUBAI_NOW_SERVICES",
        "  line 4: numerator 11 is greater than denominator 10",
        "  line 5: period 2027-01 is in the future (the current month is 2026-11)",
      ],
    });
    expect([countOf(file, "figures"), countOf(file, "figure_history")]).toEqual([0, 0]);
  });

  it("imports a good file with exit 0", () => {
    const result = run(["import", GOOD_CSV], { DATABASE_PATH: file });
    expect(result).toEqual({ code: 0, out: [`imported 3 figure(s) from ${GOOD_CSV}`], err: [] });
    const rows = query<{
      entity_code: string;
      kpi_code: string;
      value: number;
      status: string;
      source: string;
      entered_by: string;
    }>(
      file,
      "SELECT entity_code, kpi_code, value, status, source, entered_by FROM figures ORDER BY id",
    );
    expect(rows).toEqual([
      {
        entity_code: "RTA",
        kpi_code: "SMART_ADOPTION",
        value: 93.1,
        status: "approved",
        source: "import",
        entered_by: "cli:import",
      },
      {
        entity_code: "SDG",
        kpi_code: "DUBAI_NOW_SERVICES",
        value: 52,
        status: "approved",
        source: "import",
        entered_by: "cli:import",
      },
      {
        entity_code: "DEWA",
        kpi_code: "GIN_CONNECTED",
        value: 1,
        status: "approved",
        source: "import",
        entered_by: "cli:import",
      },
    ]);
  });

  it("imports a temporary CSV with a BOM, CRLF and Arabic-Indic digits", () => {
    const csv = path.join(scratch, "arabic.csv");
    writeFileSync(
      csv,
      '\uFEFFentity,kpi,period,value,numerator,denominator,comment\r\nDM,SMART_ADOPTION,٢٠١٨-١١,,٨٠,١٠٠,"تعليق"\r\n',
    );
    expect(run(["import", csv], { DATABASE_PATH: file })).toEqual({
      code: 0,
      out: [`imported 1 figure(s) from ${csv}`],
      err: [],
    });
    expect(
      query<{ value: number; period: string }>(
        file,
        "SELECT value, period FROM figures WHERE entity_code = 'DM'",
      ),
    ).toEqual([{ value: 80, period: "2018-11" }]);
  });

  it("takes the current month from now", () => {
    const csv = path.join(scratch, "current-month.csv");
    writeFileSync(
      csv,
      "entity,kpi,period,value,numerator,denominator,comment\nDP,GIN_CONNECTED,2026-11,1,,,\n",
    );
    expect(run(["import", csv], { DATABASE_PATH: file })).toEqual({
      code: 0,
      out: [`imported 1 figure(s) from ${csv}`],
      err: [],
    });
  });

  it("takes the current month in Dubai, not in UTC", () => {
    const csv = path.join(scratch, "dubai-month.csv");
    writeFileSync(
      csv,
      "entity,kpi,period,value,numerator,denominator,comment\nDP,GIN_CONNECTED,2026-12,1,,,\n",
    );
    // 20:30 UTC on 30 November is 00:30 on 1 December in Dubai (UTC+4).
    const lateNovemberUtc = new Date("2026-11-30T20:30:00Z");
    expect(run(["import", csv], { DATABASE_PATH: file }, lateNovemberUtc).code).toBe(0);
    // An hour earlier in UTC it is still November in Dubai too, and December is the future.
    const earlier = run(["import", csv], { DATABASE_PATH: file }, new Date("2026-11-30T19:30:00Z"));
    expect(earlier.code).toBe(1);
    expect(earlier.err[1]).toBe(
      "  line 2: period 2026-12 is in the future (the current month is 2026-11)",
    );
  });

  it("exits 2 without a file", () => {
    const result = run(["import"], { DATABASE_PATH: file });
    expect(result.code).toBe(2);
    expect(result.out).toEqual([]);
    expect(result.err).toEqual([`kpi import takes one file\n\n${USAGE}`]);
  });

  it("exits 2 with two files", () => {
    expect(run(["import", GOOD_CSV, BAD_CSV], { DATABASE_PATH: file }).code).toBe(2);
  });

  it("exits 1 when the file cannot be read", () => {
    const missing = path.join(scratch, "missing.csv");
    expect(run(["import", missing], { DATABASE_PATH: file })).toEqual({
      code: 1,
      out: [],
      err: [`cannot read ${missing}`],
    });
  });

  it("refuses every row of a database that was never synced", () => {
    const empty = freshDatabasePath();
    const result = run(["import", GOOD_CSV], { DATABASE_PATH: empty });
    expect(result.code).toBe(1);
    expect(result.err[0]).toBe(`${GOOD_CSV}: 3 bad row(s); nothing was imported`);
    expect(result.err[1]).toBe('  line 2: unknown entity "RTA"; unknown KPI "SMART_ADOPTION"');
    expect(countOf(empty, "figures")).toBe(0);
  });
});
