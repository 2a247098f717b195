// `npm run bench`: what people see, timed at government scale through the public path.
//
//   npm run bench                  the main table: every page, the API, the exports, the import
//   npm run bench -- --quick       the same with fewer runs (BENCH_QUICK=1), a few minutes
//   npm run bench -- --growth      pages at 1×, 2×, 4× entities and 120 vs 480 months (BENCH_GROWTH=1)
//   npm run bench -- --reimport    time `kpi import` again instead of reusing the build's timing
//   npm run bench -- --profile URL CPU-profile the server answering URL, print the hottest functions
//                                  (BENCH_PROFILE_REQUESTS=N asks N times; default 30, quick 10)
//   npm run bench -- --model       also the old model-level cases (no HTTP), each in its own process
//
// The database is built once per scale through `kpi sync`, `kpi import` and `kpi user add` and
// cached in bench/.cache (see bench/database.ts); the server is the production build started as
// `npm start` starts it. Every case runs interleaved with its floor, in the same run, because
// these machines are shared and absolute times drift: the ratio is the number to trust.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { BENCH_DIR, BENCH_FOCAL, BENCH_USER, ensureBenchDatabase, ROOT, timeImport, type BenchDatabase } from "./database";
import { Client, signIn } from "./http";
import { entityFirstView, longCsvFloor, longCsvPath, pageCases, type PageCase, type RotatingCase } from "./pages";
import { profilePage } from "./profile";
import { best, formatTable, GOALS, median, pageMisses, type ResultRow } from "./report";
import { ensureBuild, startServer, type RunningServer } from "./server";
import { BENCH_PERIOD, SCALE, type Scale } from "./synthetic";

const args = process.argv.slice(2);
const flag = (name: string, env?: string) => args.includes(`--${name}`) || (env !== undefined && process.env[env] === "1");
const quick = flag("quick", "BENCH_QUICK");
const growth = flag("growth", "BENCH_GROWTH");
const profileAt = args.indexOf("--profile");

/** Runs per case: warm-ups first (JIT, SQLite page cache), then alternating case and floor. */
const RUNS = quick ? { warmUps: 2, samples: 7, longCsv: 1 } : { warmUps: 5, samples: 21, longCsv: 3 };
const RESULTS_DIR = path.join(BENCH_DIR, "results");
const log = (line: string) => console.log(line);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface Session {
  server: RunningServer;
  session: Client;
  token: Client;
  focal: Client;
}

async function serve(db: BenchDatabase, nodeFlags: string[] = []): Promise<Session> {
  const started = performance.now();
  const server = await startServer(db, nodeFlags);
  const session = new Client(server.url);
  await signIn(session, BENCH_USER.email, BENCH_USER.password);
  const focal = new Client(server.url);
  await signIn(focal, BENCH_FOCAL.email, BENCH_FOCAL.password);
  const token = new Client(server.url);
  token.setHeader("authorization", `Bearer ${db.token}`);
  log(`Server up on ${server.url} (pid ${server.pid}) and signed in, ${seconds(performance.now() - started)}`);
  return { server, session, token, focal };
}

async function stop(s: Session) {
  for (const client of [s.session, s.token, s.focal]) client.close();
  await s.server.stop();
}

function clientFor(s: Session, c: PageCase): Client {
  return c.audience === "token" ? s.token : s.session;
}

interface Timed {
  ms: number[];
  floorMs: number[];
  statuses: number[];
  wireBytes: number;
  bytes: number;
}

/** One case: warm-ups, then `samples` rounds of the request and its floor, one after the other. */
async function timeCase(client: Client, sql: Database.Database, c: Pick<PageCase, "path" | "floor"> | RotatingCase, samples: number): Promise<Timed> {
  let round = 0;
  const request = () => client.request(typeof c.path === "string" ? c.path : c.path(round));
  for (let i = 0; i < RUNS.warmUps; i++, round++) {
    await request();
    c.floor(sql, round);
  }
  const timed: Timed = { ms: [], floorMs: [], statuses: [], wireBytes: 0, bytes: 0 };
  for (let i = 0; i < samples; i++, round++) {
    const answer = await request();
    timed.ms.push(answer.totalMs);
    timed.statuses.push(answer.status);
    timed.wireBytes = answer.wireBytes;
    timed.bytes = answer.bytes;
    const started = performance.now();
    c.floor(sql, round);
    timed.floorMs.push(performance.now() - started);
  }
  return timed;
}

function pageRow(name: string, t: Timed, judged = true): ResultRow {
  const ms = median(t.ms);
  const floorMs = median(t.floorMs);
  return {
    name,
    ms,
    floorMs,
    bestMs: best(t.ms),
    floorBestMs: best(t.floorMs),
    wireBytes: t.wireBytes,
    bytes: t.bytes,
    note: t.statuses.every((s) => s === 200) ? "" : `status ${[...new Set(t.statuses)].join("/")}`,
    misses: judged ? pageMisses(ms, floorMs, t.statuses) : [],
    judged,
  };
}

/**
 * The report builder's whole history as long CSV, read as fast as the client can; while it
 * streams, the entity page is asked for again and again, and the server's memory is read every
 * 100 ms from /proc. Then the floor: the same rows read month by month with raw SQL.
 */
async function timeLongCsv(s: Session, sql: Database.Database, scale: Scale, entityCase: PageCase): Promise<ResultRow[]> {
  const path = longCsvPath(scale.from, scale.to);
  const first: number[] = [];
  const total: number[] = [];
  const during: number[] = [];
  const floorFirst: number[] = [];
  const floorTotal: number[] = [];
  const statuses: number[] = [];
  const base = s.server.memory();
  let peak = base;
  let largestRss = base.largestRssMb;
  let wireBytes = 0;
  const failures: string[] = [];
  for (let run = 0; run < RUNS.longCsv; run++) {
    const sampler = setInterval(() => {
      const now = s.server.memory();
      if (now.totalMb > peak.totalMb) peak = now;
      largestRss = Math.max(largestRss, now.largestRssMb);
    }, 100);
    let streaming = true;
    let entityLoop: Promise<void> = Promise.resolve();
    const started = performance.now();
    try {
      const answer = await s.session.request(path, {
        keepBody: false,
        // From the first byte on, a second person opens a scorecard, again and again.
        onFirstByte: () => {
          entityLoop = (async () => {
            while (streaming) {
              const page = await s.session.request(entityCase.path);
              if (streaming) during.push(page.totalMs);
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
          })().catch((error: Error) => void failures.push(`entity page: ${error.message}`));
        },
      });
      first.push(answer.firstByteMs);
      total.push(answer.totalMs);
      statuses.push(answer.status);
      wireBytes = answer.wireBytes;
    } catch (error) {
      // A cut connection is a result too: say when, and keep the rest of the table.
      failures.push(`export: ${(error as Error).message} after ${seconds(performance.now() - started)}`);
    } finally {
      streaming = false;
      await entityLoop;
      clearInterval(sampler);
    }
    const floor = longCsvFloor(sql, scale.from, scale.to);
    floorFirst.push(floor.firstMs);
    floorTotal.push(floor.totalMs);
  }
  const entityFloor = (() => {
    const xs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      entityCase.floor(sql);
      xs.push(performance.now() - started);
    }
    return xs;
  })();
  const bad = statuses.filter((x) => x !== 200);
  const statusMiss = [...(bad.length ? [`status ${[...new Set(bad)].join("/")}`] : []), ...failures];
  if (first.length === 0) {
    first.push(NaN);
    total.push(NaN);
  }
  const firstMs = median(first);
  const duringMs = during.length ? median(during) : NaN;
  return [
    {
      name: `long CSV ${scale.from}..${scale.to}: first byte`,
      ms: firstMs,
      floorMs: median(floorFirst),
      bestMs: best(first),
      floorBestMs: best(floorFirst),
      wireBytes: null,
      bytes: null,
      note: `floor: first month read`,
      misses: [...statusMiss, ...(firstMs > GOALS.longCsvFirstByteMs ? [`> ${GOALS.longCsvFirstByteMs} ms`] : [])],
      judged: true,
    },
    {
      name: `long CSV ${scale.from}..${scale.to}: whole file`,
      ms: median(total),
      floorMs: median(floorTotal),
      bestMs: best(total),
      floorBestMs: best(floorTotal),
      wireBytes,
      bytes: wireBytes,
      note: `${((wireBytes / 1024 / 1024) / (median(total) / 1000)).toFixed(1)} MB/s`,
      misses: statusMiss,
      judged: false,
    },
    {
      name: `  entity page during the long CSV`,
      ms: duringMs,
      floorMs: median(entityFloor),
      bestMs: during.length ? best(during) : NaN,
      floorBestMs: best(entityFloor),
      wireBytes: null,
      bytes: null,
      note: `${during.length} requests, worst ${during.length ? Math.max(...during).toFixed(0) : "-"} ms`,
      misses: during.length === 0 ? ["no request finished during the export"] : duringMs > GOALS.entityDuringExportMs ? [`> ${GOALS.entityDuringExportMs} ms`] : [],
      judged: true,
    },
    {
      name: `  server memory during the long CSV`,
      ms: null,
      floorMs: null,
      bestMs: null,
      floorBestMs: null,
      wireBytes: null,
      bytes: null,
      // Its processes together (Pss), and the largest one alone (the worker sending the file).
      note: `peak ${peak.totalMb.toFixed(0)} MB in ${peak.processes} processes (before: ${base.totalMb.toFixed(0)} MB); largest process ${largestRss.toFixed(0)} MB RSS`,
      misses: peak.totalMb >= GOALS.serverRssMb ? [`≥ ${GOALS.serverRssMb} MB`] : [],
      judged: true,
    },
  ];
}

function importRow(db: BenchDatabase, timing: BenchDatabase["importTiming"], when: string): ResultRow {
  const { run, floor } = timing;
  const misses: string[] = [];
  if (run.rowsPerSecond < GOALS.importRowsPerSecond) misses.push(`< ${GOALS.importRowsPerSecond.toLocaleString("en")} rows/s`);
  if (run.ms / floor.ms > GOALS.importRatio) misses.push(`> ${GOALS.importRatio}× floor`);
  if (run.peakRssMb > GOALS.importPeakRssMb) misses.push(`peak > ${GOALS.importPeakRssMb} MB`);
  return {
    name: `kpi import ${db.figures.toLocaleString("en")} rows`,
    ms: run.ms,
    floorMs: floor.ms,
    bestMs: null,
    floorBestMs: null,
    wireBytes: null,
    bytes: null,
    note:
      `${Math.round(run.rowsPerSecond).toLocaleString("en")} rows/s (floor ${Math.round(floor.rowsPerSecond).toLocaleString("en")}), ` +
      `peak ${run.peakRssMb.toFixed(0)} MB (floor ${floor.peakRssMb.toFixed(0)}), ${when}`,
    misses,
    judged: true,
  };
}

async function mainTable(db: BenchDatabase): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  const sql = new Database(db.file, { readonly: true });
  const s = await serve(db);
  try {
    // What the connection alone costs: a static file, no database, no rendering.
    const staticCase = { path: "/favicon.svg", floor: () => null };
    rows.push(pageRow("(HTTP round trip: /favicon.svg)", await timeCase(s.session, sql, staticCase, RUNS.samples), false));
    // What any page costs before it reads a figure: the session, the root loader, the layout,
    // the render and the compression, on a page that reads nothing else.
    const emptyPage = { path: "/settings/password", floor: () => null };
    rows.push(pageRow("(a page reading nothing: /settings/password)", await timeCase(s.session, sql, emptyPage, RUNS.samples), false));
    const cases = pageCases(BENCH_PERIOD);
    for (const c of cases) {
      const t = await timeCase(clientFor(s, c), sql, c, RUNS.samples);
      rows.push(pageRow(c.name, t));
      log(`  ${c.name}: ${median(t.ms).toFixed(1)} ms (floor ${median(t.floorMs).toFixed(2)} ms)`);
    }
    const entity = cases.find((c) => c.path.startsWith("/entities/"))!;
    const focal = await timeCase(s.focal, sql, entity, RUNS.samples);
    rows.push(pageRow(`${entity.name} as its focal point`, focal));
    // Not judged: the goal is the page as people read it, again and again in a month; this is
    // what the first reader of each entity waits for (decision 28).
    const firstView = await timeCase(s.session, sql, entityFirstView(BENCH_PERIOD, db.scale.entities), RUNS.samples);
    rows.push(pageRow("entity, first view (another entity each time)", firstView, false));
    log(`  the long CSV export (${RUNS.longCsv} run(s))…`);
    rows.push(...(await timeLongCsv(s, sql, db.scale, entity)));
  } finally {
    await stop(s);
    sql.close();
  }

  let timing = db.importTiming;
  let when = `timed at build ${db.builtAt.slice(0, 16)}`;
  if (flag("reimport")) {
    log(`  re-timing kpi import (several minutes)…`);
    const into = path.join(db.dir, "reimport.db");
    timing = await timeImport(db, into);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(into + suffix, { force: true });
    when = "timed now";
  }
  rows.push(importRow(db, timing, when));
  return rows;
}

/** The old model-level cases (bench/cases.ts), each in its own process on a copy of the database. */
async function modelTable(db: BenchDatabase) {
  const { CASES } = await import("./cases");
  const copy = path.join(db.dir, "model.db");
  copyFileSync(db.file, copy);
  const iterations = quick ? "5" : "15";
  log("\nModel-level cases (no HTTP), median of " + iterations);
  for (let i = 0; i < CASES.length; i++) {
    const child = spawnSync(process.execPath, ["--import", "tsx", "bench/case.ts", String(i), copy, iterations], { cwd: ROOT, encoding: "utf8" });
    if (child.status !== 0) throw new Error(`bench case ${i} failed:\n${child.stderr}`);
    const r = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as { name: string; ms: number; floorMs: number; peakRssMb: number };
    log(`  ${r.name.padEnd(48)} ${r.ms.toFixed(1).padStart(8)} ms  floor ${r.floorMs.toFixed(1).padStart(7)} ms  ${(r.ms / r.floorMs).toFixed(1).padStart(5)}×  peak ${r.peakRssMb.toFixed(0)} MB`);
  }
  for (const suffix of ["", "-wal", "-shm"]) rmSync(copy + suffix, { force: true });
}

/**
 * Growth: the same pages on databases of 25, 50 and 100 entities (120 months), and of 25
 * entities over 120 and 480 months (2015-01 and 1985-01 to 2024-12). 25 entities is the base so
 * that no database is larger than the main one's 600,000 figures and all build through
 * `kpi import` in reasonable time on two cores.
 */
async function growthTable(): Promise<Record<string, unknown>> {
  const base: Scale = { ...SCALE, entities: 25 };
  const scales: Array<{ label: string; scale: Scale }> = [
    { label: "25e×120m", scale: base },
    { label: "50e×120m", scale: { ...base, entities: 50 } },
    { label: "100e×120m", scale: { ...base, entities: 100 } },
    { label: "25e×480m", scale: { ...base, from: "1985-01" } },
  ];
  // The pages and the API; the exports are left out to keep the five databases' runs short.
  const cases = pageCases(BENCH_PERIOD).filter((c) => !c.path.startsWith("/export"));
  // The months goal is 1.2×, and a page of 6–10 ms moves by a millisecond between two servers'
  // runs here: 11 samples read 1.17–1.28× for the same build; 31 hold the median still enough.
  const samples = quick ? 3 : 31;
  const times: Record<string, Record<string, number>> = {};
  // Every scale's server runs at once and each round asks each of them in turn, so a busy moment
  // on this shared machine falls on all scales alike, not on whichever ran last.
  const running: Array<{ label: string; s: Session; sql: Database.Database }> = [];
  try {
    for (const { label, scale } of scales) {
      const db = await ensureBenchDatabase(scale, log);
      running.push({ label, s: await serve(db), sql: new Database(db.file, { readonly: true }) });
    }
    // No floors here: the question is how each page's own time grows with the data.
    for (const c of cases) {
      const ms = new Map<string, number[]>(running.map((r) => [r.label, []]));
      for (const r of running) for (let i = 0; i < RUNS.warmUps; i++) await clientFor(r.s, c).request(c.path);
      for (let i = 0; i < samples; i++) {
        for (const r of running) ms.get(r.label)!.push((await clientFor(r.s, c).request(c.path)).totalMs);
      }
      times[c.name] = Object.fromEntries([...ms].map(([label, t]) => [label, median(t)]));
      log(`  ${c.name} done`);
    }
  } finally {
    for (const r of running) {
      await stop(r.s);
      r.sql.close();
    }
  }
  const header = ["case", ...scales.map((s) => s.label), "4× entities", "4× months"];
  const lines = cases.map((c) => {
    const t = times[c.name];
    const entities = t["100e×120m"] / t["25e×120m"];
    const months = t["25e×480m"] / t["25e×120m"];
    const mark = (ratio: number, goal: number) => `${ratio.toFixed(2)}× ${ratio <= goal ? "ok" : `MISS (> ${goal}×)`}`;
    return [c.name, ...scales.map((s) => t[s.label].toFixed(1)), mark(entities, GOALS.growthEntities), mark(months, GOALS.growthMonths)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  log(`\nGrowth: median ms of ${samples} runs at ${BENCH_PERIOD}; goals: 4× entities ≤ ${GOALS.growthEntities}×, 4× months ≤ ${GOALS.growthMonths}×`);
  for (const line of [header, ...lines]) log(line.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
  return times;
}

async function main() {
  const started = performance.now();
  ensureBuild(log);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const db = await ensureBenchDatabase(SCALE, log);
  log(`Database: ${db.figures.toLocaleString("en")} figures, ${db.file} (built ${db.builtAt}, in ${seconds(db.buildMs)})`);

  if (profileAt !== -1) {
    const target = args[profileAt + 1] ?? `/entities/E007?period=${BENCH_PERIOD}`;
    // BENCH_PROFILE_REQUESTS: fewer for slow answers such as the whole-history export.
    const requests = Number(process.env.BENCH_PROFILE_REQUESTS ?? (quick ? 10 : 30));
    await profilePage(db, target, requests, serve, stop, RESULTS_DIR);
    return;
  }

  if (growth) {
    const times = await growthTable();
    writeFileSync(path.join(RESULTS_DIR, "growth.json"), JSON.stringify({ at: new Date().toISOString(), quick, times }, null, 2));
    log(`\nWritten to ${path.relative(ROOT, path.join(RESULTS_DIR, "growth.json"))}; ${seconds(performance.now() - started)} in all`);
    return;
  }

  log(`Timing ${quick ? "(quick) " : ""}${RUNS.samples} runs a case after ${RUNS.warmUps} warm-ups, at ${BENCH_PERIOD}`);
  const rows = await mainTable(db);
  log("");
  log(formatTable(rows));
  log(
    `\nmedian and best of ${RUNS.samples} runs after ${RUNS.warmUps} warm-ups, each run followed by its floor (raw SQL of the rows ` +
      `the answer needs, bench/pages.ts); long CSV ${RUNS.longCsv} run(s).\n` +
      `Goals: pages and API ≤ ${GOALS.pageMs} ms and ≤ ${GOALS.pageRatio}× floor; long CSV first byte ≤ ${GOALS.longCsvFirstByteMs} ms, ` +
      `entity page during it ≤ ${GOALS.entityDuringExportMs} ms, server < ${GOALS.serverRssMb} MB; import ≥ ${GOALS.importRowsPerSecond.toLocaleString("en")} rows/s, ` +
      `≤ ${GOALS.importRatio}× floor, peak ≤ ${GOALS.importPeakRssMb} MB.`,
  );
  const file = path.join(RESULTS_DIR, "latest.json");
  writeFileSync(
    file,
    JSON.stringify({ at: new Date().toISOString(), quick, period: BENCH_PERIOD, scale: db.scale, figures: db.figures, runs: RUNS, goals: GOALS, rows }, null, 2),
  );
  if (flag("model")) await modelTable(db);
  log(`\nWritten to ${path.relative(ROOT, file)}; ${seconds(performance.now() - started)} in all`);
}

await main();
