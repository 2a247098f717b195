// `npm start`: serves the production build on the embedded SQLite database.
//
// A page is rendered on one core, so the server runs WEB_CONCURRENCY web workers (node:cluster,
// one per core by default, at most two) sharing the port. The first process, the primary,
// migrates and seeds the database before any worker starts, sends the notices and takes the
// backups, and on SIGTERM stops the workers and is the last to close the database. With
// WEB_CONCURRENCY=1 the one process does all of it. SQLite in WAL mode lets the workers read at
// once; writes queue on its lock, as they would from the command line.
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { format } from "node:util";
import { EnvError, parseEnv, type Env } from "../app/utils/env.server";
import { getDatabase, type Db } from "../db/index";
import { prepareDatabase } from "./prepare";
import { logger } from "../app/utils/log.server";
import { holdDatabase } from "../app/ops/server-lock.server";
import { startBackground } from "./background";
import { startWebServer, type WebServer } from "./http";
import { within } from "./within";

/** How long a SIGTERM waits for requests in flight and background work before cutting them off. */
const SHUTDOWN_GRACE_MS = 10_000;

process.env.NODE_ENV ??= "production";

let env: Env;
try {
  env = parseEnv(process.env);
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const log = logger();
// Every line the server writes is JSON, including what a library prints (React, Remix).
for (const [method, level] of [["log", "info"], ["info", "info"], ["warn", "warn"], ["error", "error"]] as const) {
  console[method] = (...args: unknown[]) => {
    const err = args.find((a) => a instanceof Error);
    const rest = args.filter((a) => a !== err);
    log[level](err ? { err } : {}, rest.length > 0 ? format(...rest) : (err as Error).message);
  };
}

// At most two by default: each worker keeps its own code, caches and heap (about 100–150 MB at
// 600,000 figures), and two already answer the demo's pages faster than the issue asks (decision
// 25). A larger machine that needs more sets WEB_CONCURRENCY.
const workers = env.WEB_CONCURRENCY ?? Math.min(availableParallelism(), 2);
const ready = (count: number) =>
  log.info(
    { port: env.PORT, database: env.DATABASE_PATH, workers: count },
    `Smart compliance dashboard at http://localhost:${env.PORT} (database ${env.DATABASE_PATH})`,
  );

/**
 * The end of a web process's life, after SIGTERM: requests in flight, a briefing book and
 * Chromium get until the deadline. Returns whether the requests finished.
 */
async function stopWebWork(web: WebServer, deadline: number): Promise<boolean> {
  const [requestsDone, booksDone] = await Promise.all([
    web.stop(deadline),
    within(globalThis.__smartComplianceBriefing?.stop() ?? Promise.resolve(), deadline),
  ]);
  if (!booksDone) log.warn("a briefing book was still printing: it is marked failed, to be asked for again");
  await globalThis.__smartCompliancePdf?.browser.close().catch(() => {});
  return requestsDone;
}

/**
 * better-sqlite3 gives a connection a page cache of 16 MB, which each of the server's processes
 * would fill and keep. Pages mostly read computations already kept (cachedForFigures), and the
 * operating system caches the file once for all processes: with 4 MB, CPU per request on the
 * 600,000-figure bench was the same, and each process holds 12 MB less.
 */
function withServerCache(db: Db): Db {
  db.$client.pragma("cache_size = -4000");
  return db;
}

/** Folds the write-ahead log into the database file (the last process out) and closes it. */
function closeDatabase(db: Db, checkpoint: boolean): number {
  try {
    if (checkpoint) db.$client.pragma("wal_checkpoint(TRUNCATE)");
    db.$client.close();
    return 0;
  } catch (error) {
    log.error({ err: error }, "closing the database failed");
    return 1;
  }
}

/**
 * glibc's allocator settings for the web workers (read when a process starts, so given to each
 * worker as it is forked; a value the operator set wins). By default glibc raises the size it
 * maps on its own each time a large block is freed, up to 32 MB, so a page's large buffers then
 * come from the main heap and leave it fragmented, and every thread (the file pool, V8's
 * collectors) gets an arena of its own. With the threshold fixed at its starting 128 KB and two
 * arenas, the workers held 30–50 MB less during the whole-history export on the 600,000-figure
 * bench, and pages were no slower (decision 25). Other allocators ignore these names.
 */
const WORKER_MALLOC = { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "131072", MALLOC_TRIM_THRESHOLD_: "131072" };

/** The web server of this process; a port it cannot take (in use, not allowed) ends the process. */
async function listen(release: () => void = () => {}): Promise<WebServer> {
  try {
    return await startWebServer(env, log);
  } catch (error) {
    log.fatal({ err: error }, `cannot serve on ${env.HOST}:${env.PORT}`);
    release();
    process.exit(1);
  }
}

if (cluster.isWorker) {
  // A web worker: the primary has migrated the database and runs the background work.
  const db = withServerCache(getDatabase(env.DATABASE_PATH));
  const web = await listen();
  // `kpi restore` refuses while a lock names a live process (app/ops/server-lock.server.ts); the
  // primary holds its own from before the workers start.
  const releaseDatabase = holdDatabase(env.DATABASE_PATH, new Date());
  let stopping = false;
  const stop = async (signal: string) => {
    // The primary's deadline covers a worker that does not finish; a repeat changes nothing.
    if (stopping) return;
    stopping = true;
    globalThis.__smartComplianceStopping = true;
    log.info({ signal, inFlight: web.inFlight() }, "stopping: finishing the requests in flight");
    await stopWebWork(web, Date.now() + SHUTDOWN_GRACE_MS);
    const code = closeDatabase(db, false);
    releaseDatabase();
    process.exit(code);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  // Ctrl-C reaches every process of the terminal's group; the primary answers it for all.
  process.on("SIGINT", () => {});
  // The primary has gone (killed): nothing hands this worker connections any more.
  process.on("disconnect", () => void stop("disconnect"));
} else {
  const db = withServerCache(prepareDatabase(env, (line) => log.info(line)));
  const releaseDatabase = holdDatabase(env.DATABASE_PATH, new Date());
  const background = startBackground(env, db, log);

  let web: WebServer | null = null;
  const running = new Set<Worker>();
  let stopping = false;

  if (workers === 1) {
    web = await listen(releaseDatabase);
    ready(1);
  } else {
    let listening = 0;
    const fork = () => {
      const worker = cluster.fork({ ...WORKER_MALLOC, ...process.env });
      running.add(worker);
      let served = false;
      worker.once("listening", () => {
        served = true;
        if (++listening === workers) ready(workers);
      });
      worker.once("exit", (code, signal) => {
        running.delete(worker);
        if (stopping) return;
        // A worker that never listened (a port in use, a broken build) would fail again.
        if (!served) {
          log.fatal({ code, signal }, "a web worker could not start");
          void shutdown("SIGTERM", 1);
          return;
        }
        log.error({ code, signal, pid: worker.process.pid }, "a web worker stopped: starting another");
        fork();
      });
    };
    for (let i = 0; i < workers; i++) fork();
  }

  /**
   * SIGTERM (systemd, a container) or SIGINT (Ctrl-C): stop accepting connections, let the requests
   * in flight, the notice sender, a briefing book and a backup finish for up to SHUTDOWN_GRACE_MS,
   * then fold the write-ahead log into the database file, close it and exit 0. A second signal
   * exits at once.
   */
  const shutdown = async (signal: NodeJS.Signals, failed = 0) => {
    if (stopping) {
      log.warn({ signal }, "asked again to stop: exiting now");
      for (const worker of running) worker.process.kill("SIGKILL");
      process.exit(1);
    }
    stopping = true;
    globalThis.__smartComplianceStopping = true;
    const deadline = Date.now() + SHUTDOWN_GRACE_MS;
    if (web) log.info({ signal, inFlight: web.inFlight() }, "stopping: finishing the requests in flight");
    else log.info({ signal, workers: running.size }, "stopping the web workers: each finishes its requests in flight");
    const workersGone = Promise.all(
      [...running].map((worker) => {
        const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
        worker.process.kill("SIGTERM");
        return exited;
      }),
    );
    const [, workersDone] = await Promise.all([
      background.stop(deadline),
      // Each worker keeps the same deadline; a second more for it to exit after cutting off.
      within(workersGone, deadline + 1_000),
      web ? stopWebWork(web, deadline) : Promise.resolve(true),
    ]);
    if (!workersDone) {
      log.warn({ workers: running.size }, "web workers still running at the deadline: killed");
      for (const worker of running) worker.process.kill("SIGKILL");
    }
    const code = Math.max(failed, closeDatabase(db, true));
    releaseDatabase();
    log.info({ code }, "stopped");
    process.exit(code);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, (s) => void shutdown(s));
}
