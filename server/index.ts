// `npm start`: serves the production build on the embedded SQLite database.
import path from "node:path";
import { pathToFileURL } from "node:url";
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

process.env.NODE_ENV ??= "production";

let env;
try {
  env = parseEnv(process.env);
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const db = prepareDatabase(env);

const buildDir = path.resolve("build");
const build = (await import(
  pathToFileURL(path.join(buildDir, "server/index.js")).href
)) as ServerBuild;

const app = express();
app.disable("x-powered-by");
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
  console.log(
    `Smart compliance dashboard at http://localhost:${env.PORT} (database ${env.DATABASE_PATH})`,
  );
});

// Reminders, overdue notices, digests and escalations, every NOTIFY_EVERY_MINUTES.
const stopNotices = startNoticeScheduler(() => db, env, (line) => console.log(line));

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void stopNotices().finally(() => server.close(() => process.exit(0)));
  });
}
