// The built server and command line, for tests that need real processes (a SIGTERM, a kill -9).
// `npm test` runs before `npm run build` in CI, and a developer's build/ may be older than the
// code: the build is made again when any source is newer than it.
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { buildSync } from "esbuild";

const ROOT = path.resolve(__dirname, "../..");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else if (/\.(tsx?|json|css|sql)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

/** `npm run build`, unless build/ is newer than every source file. */
export function ensureServerBuilt(): void {
  const outputs = ["build/start.js", "build/kpi.js", "build/server/index.js"].map((f) => path.join(ROOT, f));
  const built = outputs.every((f) => existsSync(f)) ? Math.min(...outputs.map((f) => statSync(f).mtimeMs)) : 0;
  const sources = Math.max(...["app", "server", "db", "cli"].map((d) => newestSource(path.join(ROOT, d))), statSync(path.join(ROOT, "package.json")).mtimeMs);
  if (built > sources) return;
  execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "ignore" });
}

/** The command line bundled as `npm run build:kpi` does, into `outfile`: fresh, and quick (about a second). */
export function buildKpi(outfile: string): string {
  buildSync({
    entryPoints: [path.join(ROOT, "cli/kpi.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile,
    logLevel: "warning",
  });
  return outfile;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  url: string;
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr, line by line. */
  lines: () => string[];
  /** Resolves with the exit code once it has exited. */
  exited: Promise<number | null>;
}

/**
 * `node build/start.js` on `databasePath`, once it answers /healthz. With `shellCommand`, that
 * command through `sh -c` instead, as npm runs a script, in a process group of its own.
 */
export async function startServer(databasePath: string, env: Record<string, string> = {}, shellCommand?: string): Promise<RunningServer> {
  const port = await freePort();
  const options: SpawnOptions = {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", DATABASE_PATH: databasePath, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  };
  const child: ChildProcess = shellCommand
    ? spawn("sh", ["-c", shellCommand], { ...options, detached: true })
    : spawn(process.execPath, ["build/start.js"], options);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the server did not answer within 60 s:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, child, exited, lines: () => output.split("\n").filter((l) => l !== "") };
}
