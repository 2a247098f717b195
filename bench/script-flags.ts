// The node flags `npm start` and `npm run kpi` pass, read from package.json, so the benchmark
// runs the server and the command line exactly as people do (a flag added there is measured).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/**
 * The flags between `node` and `entry` in a script's command: `node --a --b entry`, after `&&`
 * or at the start, with or without `exec` before it (npm start runs the server in the shell's
 * place).
 */
export function nodeFlagsIn(command: string, entry: string): string[] | null {
  const match = new RegExp(`(?:^|&&\\s*)(?:exec\\s+)?node((?:\\s+--\\S+)*)\\s+${entry.replace(/[.]/g, "\\.")}`).exec(command);
  return match ? match[1].trim().split(/\s+/).filter(Boolean) : null;
}

/** The flags between `node` and `entry` in the package script `name`, e.g. ["--heap-growing-percent=20"]. */
export function nodeFlagsOf(name: "start" | "kpi", entry: string): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  const flags = nodeFlagsIn(scripts[name] ?? "", entry);
  if (!flags) throw new Error(`package.json script "${name}" does not run node ${entry}`);
  return flags;
}
