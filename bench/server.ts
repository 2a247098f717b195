// Starts the production server on a copy of a benchmark database, as `npm start` would serve it
// (the built app, NODE_ENV=production), on a free port; and reads its memory while it works.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { benchEnv, ROOT, type BenchDatabase } from "./database";
import { nodeFlagsOf } from "./script-flags";

export interface RunningServer {
  pid: number;
  url: string;
  /** The server's memory now, its primary and web workers together (treeMemoryOf). */
  memory: () => { totalMb: number; processes: number; largestRssMb: number };
  stop: () => Promise<void>;
}

/** Builds the app once when there is no build, as the brief of `npm run bench` allows. */
export function ensureBuild(log: (line: string) => void): void {
  const built = path.join(ROOT, "build/server/index.js");
  if (existsSync(built) && existsSync(path.join(ROOT, "build/start.js"))) {
    // The benchmark serves the build, not the sources: say so when the sources moved on.
    const builtAt = statSync(built).mtimeMs;
    const newer = readdirSync(path.join(ROOT, "app"), { recursive: true, encoding: "utf8" }).filter((f) => {
      const stat = statSync(path.join(ROOT, "app", f));
      return stat.isFile() && stat.mtimeMs > builtAt;
    });
    if (newer.length > 0) log(`Warning: ${newer.length} file(s) in app/ are newer than the build (e.g. app/${newer[0]}); run npm run build to time them`);
    return;
  }
  log("No build: running npm run build once");
  const build = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  if (build.status !== 0) throw new Error("npm run build failed");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** The process and its descendants (the server's web workers). */
function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // No /proc children file: the process alone.
  }
  return [pid, ...children.flatMap(processTree)];
}

function pssOf(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    return match ? Number(match[1]) / 1024 : rssOf(pid);
  } catch {
    return rssOf(pid);
  }
}

/**
 * The server's memory: its primary and every web worker (server/index.ts) together. Each counts
 * its proportional share of pages it shares with the others (Pss: Node's own code is mapped once
 * for all of them), so the sum is what the processes cost the machine, not their RSS summed.
 */
export function treeMemoryOf(pid: number): { totalMb: number; processes: number; largestRssMb: number } {
  const pids = processTree(pid);
  return {
    totalMb: pids.reduce((sum, p) => sum + pssOf(p), 0),
    processes: pids.length,
    largestRssMb: Math.max(...pids.map(rssOf)),
  };
}

/**
 * Serves `db` from a fresh copy of its file, so sessions and sign-ins written by one run never
 * pile up in the cached database. `nodeFlags` adds e.g. --cpu-prof for profiling.
 */
export async function startServer(db: BenchDatabase, nodeFlags: string[] = []): Promise<RunningServer> {
  const port = await freePort();
  const file = path.join(db.dir, "run.db");
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  copyFileSync(db.file, file);
  const env = benchEnv(
    { file, definitionsDir: db.definitionsDir },
    {
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      // A profile is of one process answering every request: the server without its workers.
      ...(nodeFlags.some((flag) => flag.startsWith("--cpu-prof")) ? { WEB_CONCURRENCY: "1" } : {}),
    },
  );
  const child: ChildProcess = spawn(process.execPath, [...nodeFlagsOf("start", "build/start.js"), ...nodeFlags, "build/start.js"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Never leave a server behind, even when the benchmark itself dies.
  const orphanGuard = () => child.kill("SIGKILL");
  process.once("exit", orphanGuard);

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the server did not answer within 60 s:\n${output}`);
    }
    try {
      const answer = await fetch(`${url}/login`, { redirect: "manual" });
      await answer.arrayBuffer();
      if (answer.status < 500) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    pid: child.pid!,
    url,
    memory: () => treeMemoryOf(child.pid!),
    stop: async () => {
      process.off("exit", orphanGuard);
      if (child.exitCode === null) {
        // SIGTERM lets it close and exit, which also writes a --cpu-prof profile.
        child.kill("SIGTERM");
        const timeout = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timeout);
      }
      for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
    },
  };
}
