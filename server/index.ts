// `npm start`: serves the production build on the embedded SQLite database.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { format } from "node:util";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { randomBytes } from "node:crypto";
import compression from "compression";
import express from "express";
import { noStoreByDefault, requestGuards } from "./request-guards";
import { remixHandler } from "./send-response";
import { securityHeaders } from "./security-headers";
import { EnvError, parseEnv } from "../app/utils/env.server";
import { prepareDatabase } from "./prepare";
import { startNoticeScheduler } from "../app/notices/deliver.server";
import { logger } from "../app/utils/log.server";
import { holdDatabase } from "../app/ops/server-lock.server";
import { startBackupSchedule } from "../app/ops/backup-schedule.server";
import { requestLog } from "./request-log";

/** How long a SIGTERM waits for requests in flight and background work before cutting them off. */
const SHUTDOWN_GRACE_MS = 10_000;

process.env.NODE_ENV ??= "production";

let env;
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

const db = prepareDatabase(env, (line) => log.info(line));
// `kpi restore` refuses while this file names a live process (app/ops/server-lock.server.ts).
const releaseDatabase = holdDatabase(env.DATABASE_PATH, new Date());

const buildDir = path.resolve("build");
const build = (await import(
  pathToFileURL(path.join(buildDir, "server/index.js")).href
)) as ServerBuild;

let stopping = false;
/** The answers being worked on: a shutdown waits for them, and tells their clients it closes. */
const inFlight = new Set<express.Response>();

const app = express();
app.disable("x-powered-by");
app.use(requestLog(log, { trustForwardedId: env.TRUST_PROXY !== false }));
app.use((_req, res, next) => {
  inFlight.add(res);
  res.once("close", () => inFlight.delete(res));
  // Once stopping, a kept-alive connection is closed after the answer it is waiting for.
  if (stopping) res.setHeader("Connection", "close");
  next();
});
// Behind a TLS-terminating proxy: believe its X-Forwarded-For and -Proto, so the sign-in
// throttle sees each person's address and cookies are Secure (see TRUST_PROXY in the README).
app.set("trust proxy", env.TRUST_PROXY);
app.use((req, res, next) => {
  const nonce = randomBytes(16).toString("base64");
  res.locals.cspNonce = nonce;
  for (const [name, value] of Object.entries(securityHeaders(nonce))) res.setHeader(name, value);
  if (req.secure) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  next();
});
// Pages, .data, CSV and JSON compress 5-10× (the overview's HTML from 2.6 MB at scale). Brotli at
// quality 4 (the package's default) costs about what gzip does; streamed responses (the long
// CSV export) are compressed as they go, not held back.
app.use(compression());
// Fingerprinted by Vite: safe to cache for a year.
app.use(
  "/assets",
  express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }),
);
app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
app.use(requestGuards({ uploadMaxBytes: env.UPLOAD_MAX_BYTES }));
// Everything below is per person (pages behind sign-in, downloads, the API): no cache keeps it,
// so a shared computer's back button does not show the last person's pages.
app.use(noStoreByDefault);
app.all(
  "*",
  remixHandler({
    build,
    mode: process.env.NODE_ENV,
    getLoadContext: (req, res) => ({ cspNonce: res.locals.cspNonce as string, clientIp: req.ip ?? null }),
  }),
);

const server = app.listen(env.PORT, env.HOST, () => {
  log.info(
    { port: env.PORT, database: env.DATABASE_PATH },
    `Smart compliance dashboard at http://localhost:${env.PORT} (database ${env.DATABASE_PATH})`,
  );
});

// Reminders, overdue notices, digests and escalations, every NOTIFY_EVERY_MINUTES.
const stopNotices = startNoticeScheduler(() => db, env, (line) => log.info({ component: "notices" }, line));

// Scheduled backups, each by the command line in a child process (build/kpi.js, built beside this
// file): its copy and check take seconds at scale, which would otherwise stop every page.
const kpiScript = fileURLToPath(new URL("./kpi.js", import.meta.url));
let backupChild: ChildProcess | null = null;
const backups = startBackupSchedule(
  env,
  (target) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [kpiScript, "backup", target], { env: process.env, stdio: ["ignore", "ignore", "pipe"] });
      backupChild = child;
      let errors = "";
      child.stderr!.on("data", (chunk: Buffer) => (errors += chunk.toString()));
      child.once("error", reject);
      child.once("exit", (code, signal) => {
        backupChild = null;
        if (code === 0) resolve();
        else reject(new Error(errors.trim() || `kpi backup ended with ${code ?? signal}`));
      });
    }),
  {
    // Stopped half-way, a backup leaves only its ".partial" file, which is never taken for one.
    cancel: () => backupChild?.kill("SIGTERM"),
    log: (level, fields, message) => log[level]({ component: "backups", ...fields }, message),
  },
);

/**
 * SIGTERM (systemd, a container) or SIGINT (Ctrl-C): stop accepting connections, let the requests
 * in flight, the notice sender, a briefing book and a backup finish for up to SHUTDOWN_GRACE_MS,
 * then fold the write-ahead log into the database file, close it and exit 0. A second signal
 * exits at once.
 */
async function shutdown(signal: NodeJS.Signals) {
  if (stopping) {
    log.warn({ signal }, "asked again to stop: exiting now");
    process.exit(1);
  }
  stopping = true;
  globalThis.__smartComplianceStopping = true;
  log.info({ signal, inFlight: inFlight.size }, "stopping: finishing the requests in flight");
  for (const res of inFlight) if (!res.headersSent) res.setHeader("Connection", "close");
  const deadline = Date.now() + SHUTDOWN_GRACE_MS;
  const within = (work: Promise<unknown>) =>
    Promise.race([
      work.then(() => true, () => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), Math.max(0, deadline - Date.now())).unref()),
    ]);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Kept-alive connections with nothing in flight would hold server.close() open until they time out.
  server.closeIdleConnections();
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  const [requestsDone, noticesDone, booksDone] = await Promise.all([
    within(closed),
    within(stopNotices()),
    within(globalThis.__smartComplianceBriefing?.stop() ?? Promise.resolve()),
    backups.stop(Math.max(0, deadline - Date.now())),
  ]);
  clearInterval(idle);
  if (!requestsDone) {
    log.warn({ inFlight: inFlight.size }, `requests still in flight after ${SHUTDOWN_GRACE_MS / 1000} s: cut off`);
    server.closeAllConnections();
  }
  if (!noticesDone) log.warn("the notice sender was still running: what it had not sent stays queued");
  if (!booksDone) log.warn("a briefing book was still printing: it is marked failed, to be asked for again");
  await globalThis.__smartCompliancePdf?.browser.close().catch(() => {});
  let code = 0;
  try {
    db.$client.pragma("wal_checkpoint(TRUNCATE)");
    db.$client.close();
  } catch (error) {
    log.error({ err: error }, "closing the database failed");
    code = 1;
  }
  releaseDatabase();
  log.info({ code }, "stopped");
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, (s) => void shutdown(s));
