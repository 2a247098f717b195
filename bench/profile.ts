// `npm run bench -- --profile URL`: where the server's time goes while it answers one address.
// Starts the server with --cpu-prof, asks for URL again and again, stops it (which writes the
// profile) and prints the hottest functions, by self time and, for the app's own code, by
// inclusive time. Only samples taken in Remix's request handling or the app's functions count,
// so start-up is left out (sign-in, a few ms, is not). The .cpuprofile stays in bench/results/profiles for Chrome DevTools.
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { BenchDatabase } from "./database";
import type { Client } from "./http";
import type { RunningServer } from "./server";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

type Session = { server: RunningServer; session: Client; token: Client; focal: Client };

/** Where a frame's code lives: the app's server build, a package, Node itself, or V8. */
function area(url: string): string {
  if (url === "") return "(V8/native)";
  if (url.includes("/build/server/")) return "app (build/server)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith("node:")) return "node internals";
  return path.relative(process.cwd(), url.replace(/^file:\/\//, ""));
}

const frameKey = (n: ProfileNode) =>
  `${n.callFrame.functionName || "(anonymous)"}  ${area(n.callFrame.url) === "app (build/server)" ? "build/server" : area(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

export function summariseProfile(profile: CpuProfile, requests: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inRequest = new Map<number, boolean>();
  // A sample counts when a named function of Remix's request handling or of the app is on its
  // stack (a streamed body is pulled outside Remix's frames); the app's module being evaluated
  // at start-up is an anonymous frame and does not count.
  const handling = (id: number): boolean => {
    const known = inRequest.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id)!;
    const here = /@remix-run\/(server-runtime|express)|\/build\/server\//.test(n.callFrame.url) && n.callFrame.functionName !== "";
    const p = parent.get(id);
    const result = here || (p !== undefined && handling(p));
    inRequest.set(id, result);
    return result;
  };
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    if (!handling(id)) return;
    total += us;
    const n = byId.get(id)!;
    self.set(frameKey(n), (self.get(frameKey(n)) ?? 0) + us);
    areas.set(area(n.callFrame.url), (areas.get(area(n.callFrame.url)) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!;
      if (!frame.callFrame.url.includes("/build/server/") || !frame.callFrame.functionName) continue;
      const key = frameKey(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  });
  const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  return [
    `CPU while handling ${requests} requests: ${(total / 1000).toFixed(0)} ms (${(total / 1000 / requests).toFixed(1)} ms a request)`,
    `\nBy where the code lives (self time):`,
    ...top(areas, 12).map(([k, v]) => `${ms(v)} ms ${pct(v)}  ${k}`),
    `\nHottest functions (self time):`,
    ...top(self, 25).map(([k, v]) => `${ms(v)} ms ${pct(v)}  ${k}`),
    `\nThe app's own functions (inclusive time):`,
    ...top(inclusive, 20).map(([k, v]) => `${ms(v)} ms ${pct(v)}  ${k}`),
  ].join("\n");
}

export async function profilePage(
  db: BenchDatabase,
  target: string,
  requests: number,
  serve: (db: BenchDatabase, nodeFlags: string[]) => Promise<Session>,
  stop: (s: Session) => Promise<void>,
  resultsDir: string,
): Promise<void> {
  const dir = path.join(resultsDir, "profiles");
  mkdirSync(dir, { recursive: true });
  for (const old of readdirSync(dir)) rmSync(path.join(dir, old));
  const s = await serve(db, ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
  const client = target.startsWith("/api/") ? s.token : s.session;
  let status = 0;
  for (let i = 0; i < requests; i++) status = (await client.request(target)).status;
  await stop(s);
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`the server wrote no profile into ${dir}`);
  console.log(`\nProfile of ${target} (last status ${status}): ${path.join(dir, file)}\n`);
  console.log(summariseProfile(JSON.parse(readFileSync(path.join(dir, file), "utf8")) as CpuProfile, requests));
}
