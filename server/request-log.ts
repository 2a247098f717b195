// One JSON log line per request: its id (also sent back as X-Request-Id, so a person reporting a
// problem can quote it), method, route, status, duration and the user's id. Never an address,
// a query string, a cookie or a token. docs/decisions/0021-backups-logs-shutdown.md.
import { randomUUID } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { withRequestLog, type RequestLogRecord } from "../app/utils/log.server";

/** An id a proxy in front already gave the request (nginx's $request_id): kept, so both logs meet. */
const FORWARDED_ID = /^[A-Za-z0-9._-]{8,100}$/;

/** Polled every few seconds by monitors: written at debug, unless they fail. */
const PROBES = new Set(["/healthz", "/readyz"]);

export function requestLog(logger: Logger, options: { trustForwardedId: boolean }) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const forwarded = req.get("X-Request-Id");
    const id = options.trustForwardedId && forwarded && FORWARDED_ID.test(forwarded) ? forwarded : randomUUID();
    res.setHeader("X-Request-Id", id);
    const record: RequestLogRecord = { id, userId: null };
    const started = performance.now();
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      const status = res.statusCode;
      const line = {
        reqId: id,
        method: req.method,
        route: req.path,
        status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        userId: record.userId,
        // The client went before the whole answer was sent.
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (status >= 500) logger.error(line, "request");
      else if (PROBES.has(req.path)) logger.debug(line, "request");
      else logger.info(line, "request");
    };
    res.once("finish", write);
    res.once("close", write);
    withRequestLog(record, next);
  };
}
