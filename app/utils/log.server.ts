// The server's log: one JSON line per event on stdout (pino), for a log collector to read without
// guessing where a message ends. The express server (server/index.ts) and the Remix build are two
// bundles with a copy of this module each; the logger and the current request live on globalThis
// so both write through one logger and the app can name the request's user.
// docs/decisions/0021-backups-logs-shutdown.md.
import { AsyncLocalStorage } from "node:async_hooks";
import { pino, type Logger } from "pino";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What the request log line of the request under way will say about who asked. */
export interface RequestLogRecord {
  id: string;
  /** The signed-in person's or the API token owner's user id: never an address or a token. */
  userId: number | null;
}

declare global {
  var __smartComplianceLog: { logger: Logger; requests: AsyncLocalStorage<RequestLogRecord> } | undefined;
}

function shared() {
  globalThis.__smartComplianceLog ??= {
    logger: pino({
      level: (LOG_LEVELS as readonly string[]).includes(process.env.LOG_LEVEL ?? "") ? (process.env.LOG_LEVEL as LogLevel) : "info",
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // "info", not 30: read by people as often as by collectors.
      formatters: { level: (label) => ({ level: label }) },
      // Whatever a caller passes, these never reach the log.
      redact: { paths: ["password", "token", "email", "*.password", "*.token", "*.email", "req.headers.cookie", "req.headers.authorization"], censor: "[redacted]" },
    }),
    requests: new AsyncLocalStorage<RequestLogRecord>(),
  };
  return globalThis.__smartComplianceLog;
}

/** The process's logger (level from LOG_LEVEL, read when it is first used). */
export function logger(): Logger {
  return shared().logger;
}

/** Runs `fn` as the handling of one request, whose log line `record` becomes. */
export function withRequestLog<T>(record: RequestLogRecord, fn: () => T): T {
  return shared().requests.run(record, fn);
}

/** The record of the request being handled, if any (none in the command line or in tests). */
export function currentRequestLog(): RequestLogRecord | undefined {
  return shared().requests.getStore();
}

/** Tells the request's log line who asked, once the session or token has said. */
export function noteUser(userId: number): void {
  const record = currentRequestLog();
  if (record) record.userId = userId;
}

/** An unexpected error: its stack goes to the log with the request's id, never to the client. */
export function logError(error: unknown, message = "unexpected error"): void {
  const request = currentRequestLog();
  logger().error({ err: error, ...(request ? { reqId: request.id } : {}) }, message);
}
