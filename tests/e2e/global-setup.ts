// Starts the built app on a fresh demo database for the browser tests, and stops it after.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    /** The server's database, for comparing pages with `kpi report`. */
    databasePath: string;
  }
}

const PORT = Number(process.env.E2E_PORT ?? 3199);

async function waitForServer(url: string, server: ChildProcess, output: () => string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`The server exited early:\n${output()}`);
    try {
      const response = await fetch(url, { redirect: "manual" });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The server did not answer at ${url} within 60 s:\n${output()}`);
}

export default async function setup(project: TestProject) {
  if (!existsSync(path.resolve("build/server/index.js")) || !existsSync(path.resolve("build/start.js"))) {
    throw new Error("No build found: run `npm run build` before `npm run test:e2e`.");
  }
  const dir = mkdtempSync(path.join(tmpdir(), "smart-compliance-e2e-"));
  let log = "";
  const server = spawn(process.execPath, ["build/start.js"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(PORT),
      HOST: "127.0.0.1",
      DATABASE_PATH: path.join(dir, "e2e.db"),
      SEED_DEMO: "true",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout?.on("data", (d) => (log += d));
  server.stderr?.on("data", (d) => (log += d));
  const baseURL = `http://127.0.0.1:${PORT}`;
  await waitForServer(`${baseURL}/kpis`, server, () => log);
  project.provide("baseURL", baseURL);
  project.provide("databasePath", path.join(dir, "e2e.db"));

  return async () => {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  };
}
