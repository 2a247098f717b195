// Builds a benchmark database the way an office would: `kpi sync` of a definitions folder, then
// `kpi import` of the figures CSV, then `kpi user add`. Each built database is cached under
// bench/.cache/<hash of the generator and its scale>/, so later runs start in seconds.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { openDatabase } from "../db/index";
import { createToken } from "../app/models/tokens.server";
import { nodeFlagsOf } from "./script-flags";
import { figureCount, writeDefinitionsFolder, writeFiguresCsv, type Scale } from "./synthetic";

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.dirname(BENCH_DIR);
const CACHE_DIR = path.join(BENCH_DIR, ".cache");

export const BENCH_USER = { email: "bench@example.com", password: "bench-password-123" };
/** A focal point of one entity, for pages as a focal point sees them. */
export const BENCH_FOCAL = { email: "focal.e007@example.com", password: "bench-password-123", entity: "E007" };

/** One timed run of a command: wall time, and the peak resident memory the kernel reports. */
export interface ProcessTiming {
  ms: number;
  peakRssMb: number;
  rowsPerSecond: number;
}

export interface BenchDatabase {
  scale: Scale;
  dir: string;
  file: string;
  /** The database after `kpi sync` and the users, before the import: a copy re-times the import. */
  syncedFile: string;
  definitionsDir: string;
  csv: string;
  figures: number;
  /** A personal access token of BENCH_USER, for /api/v1. */
  token: string;
  builtAt: string;
  buildMs: number;
  /** The import and its floor, timed when the database was built. */
  importTiming: { run: ProcessTiming; floor: ProcessTiming };
}

/** Bump when the way a database is built changes (the generator's own source is hashed). */
const BUILD_VERSION = 1;

/** What the cached database depends on: the scale, the generator's source and BUILD_VERSION. */
function cacheKey(scale: Scale): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ scale, BUILD_VERSION }));
  hash.update(readFileSync(path.join(BENCH_DIR, "synthetic.ts")));
  return `${scale.entities}x${scale.kpis}x${scale.from}-${scale.to}-${hash.digest("hex").slice(0, 10)}`;
}

/** The environment every `kpi` command and the server get: the bench database and folder. */
export function benchEnv(db: { file: string; definitionsDir: string }, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_PATH: db.file,
    KPI_DEFINITIONS_DIR: db.definitionsDir,
    SEED_DEMO: "false",
    ...extra,
  };
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  peakRssMb: number;
}

/**
 * Runs `node <args>` under /usr/bin/time -v (when present) so the peak memory is the child's
 * own, not the benchmark's; a TypeScript file through tsx, as `npm run kpi` is not.
 */
export function runNode(args: string[], env: NodeJS.ProcessEnv, options: { tsx?: boolean } = { tsx: true }): Promise<Ran> {
  const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
  const command = timeBin ?? process.execPath;
  const nodeArgs = options.tsx ? ["--import", "tsx", ...args] : args;
  const argv = timeBin ? ["-v", process.execPath, ...nodeArgs] : nodeArgs;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      resolve({ code: code ?? 1, stdout, stderr, ms, peakRssMb: rss ? Number(rss[1]) / 1024 : NaN });
    });
  });
}

let cliBundled = false;

/** `npm run kpi`: the command line bundled as the script bundles it, then run by plain node. */
async function kpi(args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  if (!cliBundled) {
    const bundled = spawnSync("npm", ["run", "--silent", "build:kpi"], { cwd: ROOT, stdio: "inherit" });
    if (bundled.status !== 0) throw new Error("npm run build:kpi failed");
    cliBundled = true;
  }
  const ran = await runNode([...nodeFlagsOf("kpi", "build/kpi.js"), "build/kpi.js", ...args], env, { tsx: false });
  if (ran.code !== 0) throw new Error(`kpi ${args.join(" ")} failed (${ran.code}):\n${ran.stdout}\n${ran.stderr}`);
  return ran;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

/**
 * Times `kpi import` of the database's CSV into a fresh copy of its synced database, then the
 * floor: the same rows through one prepared statement in one transaction into a plain copy of
 * the figures table (bench/import-floor.ts). Both are separate processes started the same way,
 * so both pay Node's and tsx's start-up.
 */
export async function timeImport(
  source: { syncedFile: string; definitionsDir: string; csv: string; figures: number },
  into: string,
): Promise<{ run: ProcessTiming; floor: ProcessTiming }> {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(into + suffix, { force: true });
  const copy = new Database(source.syncedFile, { readonly: true });
  copy.exec(`VACUUM INTO '${into.replaceAll("'", "''")}'`);
  copy.close();
  const run = await kpi(["import", source.csv], benchEnv({ file: into, definitionsDir: source.definitionsDir }));
  const floorFile = `${into}.floor`;
  for (const suffix of ["", "-wal", "-shm"]) rmSync(floorFile + suffix, { force: true });
  const floor = await runNode(["bench/import-floor.ts", source.csv, floorFile, source.syncedFile], process.env);
  if (floor.code !== 0) throw new Error(`import floor failed:\n${floor.stderr}`);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(floorFile + suffix, { force: true });
  const timing = (r: Ran): ProcessTiming => ({ ms: r.ms, peakRssMb: r.peakRssMb, rowsPerSecond: source.figures / (r.ms / 1000) });
  return { run: timing(run), floor: timing(floor) };
}

/** The cached database for `scale`, built first when missing. */
export async function ensureBenchDatabase(scale: Scale, log: (line: string) => void): Promise<BenchDatabase> {
  const dir = path.join(CACHE_DIR, cacheKey(scale));
  const metaFile = path.join(dir, "meta.json");
  if (existsSync(metaFile)) return JSON.parse(readFileSync(metaFile, "utf8")) as BenchDatabase;

  const started = performance.now();
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const final = (p: string) => path.join(dir, path.relative(tmp, p));
  const definitionsDir = path.join(tmp, "definitions");
  const csv = path.join(tmp, "figures.csv");
  const syncedFile = path.join(tmp, "synced.db");
  const file = path.join(tmp, "bench.db");
  const figures = figureCount(scale);
  log(`Building a ${figures.toLocaleString("en")}-figure database in ${dir}`);

  writeDefinitionsFolder(definitionsDir, scale);
  const written = writeFiguresCsv(csv, scale);
  if (written !== figures) throw new Error(`wrote ${written} figures, expected ${figures}`);
  log(`  wrote the definitions folder and ${figures.toLocaleString("en")} rows of CSV (${mb(statSync(csv).size).toFixed(0)} MB)`);

  const env = benchEnv({ file: syncedFile, definitionsDir });
  await kpi(["check"], env);
  await kpi(["sync"], env);
  await kpi(["user", "add", "--email", BENCH_USER.email, "--role", "admin", "--name", "Bench admin"], {
    ...env,
    KPI_USER_PASSWORD: BENCH_USER.password,
  });
  await kpi(["user", "add", "--email", BENCH_FOCAL.email, "--role", "focal-point", "--entity", BENCH_FOCAL.entity], {
    ...env,
    KPI_USER_PASSWORD: BENCH_FOCAL.password,
  });
  log(`  kpi check, sync and user add done`);

  const importTiming = await timeImport({ syncedFile, definitionsDir, csv, figures }, file);
  log(
    `  kpi import: ${(importTiming.run.ms / 1000).toFixed(1)} s (${Math.round(importTiming.run.rowsPerSecond).toLocaleString("en")} rows/s, peak ${importTiming.run.peakRssMb.toFixed(0)} MB); ` +
      `floor ${(importTiming.floor.ms / 1000).toFixed(1)} s`,
  );

  // The token is made by the app's own function, so it is hashed exactly as the app expects.
  const db = openDatabase(file);
  const user = db.$client.prepare(`SELECT id FROM users WHERE email = ?`).get(BENCH_USER.email) as { id: number };
  const { token } = createToken(db, user.id, "bench", new Date());
  // Folded back into the main file, so the copy under the cache is one self-contained file.
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  db.$client.close();

  const meta: BenchDatabase = {
    scale,
    dir,
    file: final(file),
    syncedFile: final(syncedFile),
    definitionsDir: final(definitionsDir),
    csv: final(csv),
    figures,
    token,
    builtAt: new Date().toISOString(),
    buildMs: performance.now() - started,
    importTiming,
  };
  writeFileSync(path.join(tmp, "meta.json"), JSON.stringify(meta, null, 2));
  // Renamed into place only when complete, so an interrupted build is never reused.
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  log(`  built in ${(meta.buildMs / 1000).toFixed(0)} s`);
  return meta;
}
