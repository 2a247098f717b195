// The web server of one process: Express in front of the Remix build, listening on PORT. With
// several workers (server/index.ts) each runs one of these on the port they share.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { pathToFileURL } from "node:url";
import { randomBytes } from "node:crypto";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import type { Logger } from "pino";
import type { Env } from "../app/utils/env.server";
import { noStoreByDefault, requestGuards } from "./request-guards";
import { remixHandler } from "./send-response";
import { securityHeaders } from "./security-headers";
import { requestLog } from "./request-log";
import { within } from "./within";
import { precompressedIn } from "./precompress";

export interface WebServer {
  /** Stops taking connections and lets those in flight finish within `deadline`; true when they all did. */
  stop(deadline: number): Promise<boolean>;
  inFlight(): number;
}

/**
 * A client navigation's request for a page's data: its address plus ".data" (single fetch).
 * Asked of the very request Remix is given, as Remix asks it. (Remix also still takes the older
 * `?_data=`, and in this single-fetch app answers it with an empty body: no markup either way.)
 */
function isDataRequest(request: globalThis.Request): boolean {
  return new URL(request.url).pathname.endsWith(".data");
}

export async function startWebServer(env: Env, log: Logger): Promise<WebServer> {
  const buildDir = path.resolve("build");
  const build = (await import(pathToFileURL(path.join(buildDir, "server/index.js")).href)) as ServerBuild;

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
  // Pages, .data, CSV and JSON compress 5-10× (the overview's HTML from 2.6 MB at scale).
  // Brotli at quality 1: on the demo's overview it costs 3 ms of CPU a request less than the
  // package's default of 4 (a sixth of the page) for 17% more bytes (29 KB against 25).
  // Streamed responses (the long CSV export) are compressed as they go, not held back.
  app.use(compression({ brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } } }));
  // Fingerprinted by Vite: safe to cache for a year. Scripts and styles were compressed when
  // built (server/precompress.ts): sent as they are to a browser that takes brotli.
  const assetsDir = path.join(buildDir, "client/assets");
  const precompressed = precompressedIn(assetsDir);
  app.use("/assets", (req, res, next) => {
    // Only names found in the folder at start: nothing from the address reaches the file system.
    if ((req.method !== "GET" && req.method !== "HEAD") || !precompressed.has(req.path)) return next();
    res.vary("Accept-Encoding");
    // Negotiated as the compressor does (a "br;q=0" refuses it).
    if (req.acceptsEncodings("br") !== "br") return next();
    res.setHeader("Content-Encoding", "br");
    res.type(path.extname(req.path));
    res.sendFile(path.join(assetsDir, `${req.path}.br`), { immutable: true, maxAge: "1y" });
  });
  app.use("/assets", express.static(assetsDir, { immutable: true, maxAge: "1y" }));
  // The files beside the assets (from public/: the icon). Only names found in the folder at
  // start reach the file system: asking it about every page's address was a stat per request.
  const clientDir = path.join(buildDir, "client");
  const clientFiles = existsSync(clientDir)
    ? new Set(readdirSync(clientDir, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => `/${entry.name}`))
    : new Set<string>();
  const serveClientFile = express.static(clientDir, { maxAge: "1h" });
  app.use((req, res, next) => (clientFiles.has(req.path) ? serveClientFile(req, res, next) : next()));
  app.use(requestGuards({ uploadMaxBytes: env.UPLOAD_MAX_BYTES }));
  // Everything below is per person (pages behind sign-in, downloads, the API): no cache keeps it,
  // so a shared computer's back button does not show the last person's pages.
  app.use(noStoreByDefault);
  app.all(
    "*",
    remixHandler({
      build,
      mode: process.env.NODE_ENV,
      getLoadContext: (req, res, request) => ({
        cspNonce: res.locals.cspNonce as string,
        clientIp: req.ip ?? null,
        documentMarkup: isDataRequest(request) ? undefined : [],
      }),
    }),
  );

  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const listening = app.listen(env.PORT, env.HOST, () => resolve(listening));
    listening.once("error", reject);
  });

  return {
    inFlight: () => inFlight.size,
    async stop(deadline) {
      stopping = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader("Connection", "close");
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Kept-alive connections with nothing in flight would hold server.close() open until they time out.
      server.closeIdleConnections();
      const idle = setInterval(() => server.closeIdleConnections(), 100);
      const done = await within(closed, deadline);
      clearInterval(idle);
      if (!done) {
        log.warn({ inFlight: inFlight.size }, "requests still in flight at the deadline: cut off");
        server.closeAllConnections();
      }
      return done;
    },
  };
}
