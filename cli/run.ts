// `npm run kpi -- <command>`: the command line over the same models the app uses.
// Kept apart from cli/kpi.ts so tests can run a command in-process and read what it printed.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { hashPasswordSync } from "../app/auth/password.server";
import { newUserSchema } from "../app/auth/user-form";
import { en } from "../app/i18n/messages";
import { createUser, findUserByEmail } from "../app/models/users.server";
import { getDatabase } from "../db/index";
import { loadDefinitions } from "../app/definitions/load.server";
import { formatDefinitionError } from "../app/definitions/validate";
import { reportCsv, reportJson } from "../app/compliance/report-format";
import { PERIOD_PATTERN } from "../app/definitions/schema";
import { importFiguresCsv } from "../app/models/figures.server";
import { activeEntityCodes, reportFor } from "../app/models/report.server";
import { syncDefinitions, type Changes } from "../app/models/sync.server";
import { parseEnv } from "../app/utils/env.server";
import type { ComplianceReport } from "../app/compliance/types";
import { recomputeEdition, reportChanges, verifyEditions, type RowChange } from "../app/models/editions.server";
import { lockPeriod, reopenPeriod } from "../app/models/entry.server";
import { editionsOf } from "../app/models/published.server";
import { periodOf } from "../app/figures/month";
import { runBackup, runRestore } from "./backup";

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
  now: Date;
}

export const USAGE = `Usage: npm run kpi -- <command>

Commands:
  check                 validate the definitions folder (KPI_DEFINITIONS_DIR)
  sync                  load the definitions folder into the database
  import FILE.csv       import monthly figures (all or nothing)
  report --period YYYY-MM [--format json|csv] [--recompute]
                        print the compliance report for a month (default json): a published
                        (locked) month's latest edition, another month computed now;
                        --recompute: the published month with today's definitions, and the
                        rows that differ from its edition (on stderr)
  verify                recompute every published edition from its stored definitions and
                        figures; exit 1 with a line per difference
  period lock --period YYYY-MM [--reason TEXT]
                        lock a month and publish its next edition
  period reopen --period YYYY-MM --reason TEXT
                        reopen a locked month (its editions stay)
  user add --email ADDRESS --role admin|executive|analyst|focal-point
           [--name NAME] [--entity CODE]
                        create an account; the password is KPI_USER_PASSWORD if set,
                        otherwise a random one printed once
  notify [--now ISO] [--dry-run]
                        evaluate the notice rules at that moment, queue and e-mail what is
                        due (--dry-run: print what would be queued, send nothing)
  briefing --period YYYY-MM --lang en|ar --out FILE.pdf
                        write the month's briefing book as a PDF (printed by Chromium)
  backup [FILE|FOLDER]  copy the database, while the server runs, to FILE (default: a dated
                        file in BACKUP_DIR), check the copy and write FILE.manifest.json
  restore FILE          put a checked backup in place of the database (refused while a server
                        uses it); the replaced database is kept beside it

Environment: DATABASE_PATH (the SQLite file), KPI_DEFINITIONS_DIR (the definitions folder),
BACKUP_DIR (where backups go).`;

function describeChanges(label: string, c: Changes): string {
  const parts = [
    `${c.added.length} added`,
    `${c.updated.length} updated`,
    `${c.retired.length} retired`,
    `${c.unchanged} unchanged`,
  ];
  const named = [
    ...c.added.map((x) => `+${x}`),
    ...c.updated.map((x) => `~${x}`),
    ...c.retired.map((x) => `-${x}`),
  ];
  return `${label}: ${parts.join(", ")}${named.length ? ` (${named.join(" ")})` : ""}`;
}

export function runKpi(args: string[], io: Io): number {
  const [command, ...rest] = args;
  if (!command || command === "help" || command === "--help") {
    (command ? io.out : io.err)(USAGE);
    return command ? 0 : 2;
  }
  // Before the connection every other command opens (and migrates): a backup copies the file as
  // it is, and a restore must not hold the file it replaces.
  if (command === "backup") return runBackup(rest, io);
  if (command === "restore") return runRestore(rest, io);
  const env = parseEnv(io.env);
  const db = getDatabase(env.DATABASE_PATH);

  switch (command) {
    case "check":
    case "sync": {
      if (rest.length > 0) {
        io.err(`kpi ${command} takes no arguments\n\n${USAGE}`);
        return 2;
      }
      const result = loadDefinitions(env.KPI_DEFINITIONS_DIR);
      if (!result.ok) {
        io.err(`${env.KPI_DEFINITIONS_DIR}: ${result.errors.length} error(s); nothing was loaded`);
        for (const e of result.errors) io.err(`  ${formatDefinitionError(e)}`);
        return 1;
      }
      const { entities, strategy, kpis } = result.definitions;
      const items =
        strategy.dimensions.length +
        strategy.pillars.length +
        strategy.initiatives.length +
        strategy.policies.length;
      if (command === "check") {
        io.out(`ok: ${entities.length} entities, ${items} strategy items, ${kpis.length} KPIs`);
        return 0;
      }
      const summary = syncDefinitions(db, result.definitions, io.now.toISOString());
      io.out(describeChanges("entities", summary.entities));
      io.out(describeChanges("strategy", summary.strategy));
      io.out(describeChanges("KPIs", summary.kpis));
      io.out(`definitions version ${summary.version}`);
      return 0;
    }
    case "import": {
      if (rest.length !== 1) {
        io.err(`kpi import takes one file\n\n${USAGE}`);
        return 2;
      }
      let text: string;
      try {
        text = readFileSync(rest[0], "utf8");
      } catch {
        io.err(`cannot read ${rest[0]}`);
        return 1;
      }
      const result = importFiguresCsv(db, text, {
        actor: "cli:import",
        now: io.now,
        currentPeriod: periodOf(io.now),
      });
      if (!result.ok) {
        io.err(`${rest[0]}: ${result.errors.length} bad row(s); nothing was imported`);
        for (const e of result.errors) io.err(`  line ${e.line}: ${e.message}`);
        return 1;
      }
      io.out(`imported ${result.imported} figure(s) from ${rest[0]}`);
      return 0;
    }
    case "report": {
      const recompute = rest.includes("--recompute");
      const options = parseOptions(
        rest.filter((a) => a !== "--recompute"),
        ["--period", "--format"],
      );
      if (!options.ok) {
        io.err(`${options.error}\n\n${USAGE}`);
        return 2;
      }
      const period = options.values["--period"];
      const format = options.values["--format"] ?? "json";
      if (period === undefined || !PERIOD_PATTERN.test(period)) {
        io.err(
          `kpi report needs --period as YYYY-MM${period === undefined ? "" : `, got "${period}"`}\n\n${USAGE}`,
        );
        return 2;
      }
      if (format !== "json" && format !== "csv") {
        io.err(`kpi report --format takes json or csv, got "${format}"\n\n${USAGE}`);
        return 2;
      }
      const print = (report: ComplianceReport) =>
        io.out(format === "json" ? JSON.stringify(reportJson(report), null, 2) : reportCsv(report).trimEnd());
      if (!recompute) {
        // A published month prints its latest edition; another is computed now (provisional).
        print(reportFor(db, period));
        return 0;
      }
      const recomputed = recomputeEdition(db, period);
      if (!recomputed) {
        io.err(`${period} is not published: its report is provisional, computed from today's definitions already`);
        print(reportFor(db, period));
        return 0;
      }
      print(recomputed.report);
      const changes = reportChanges(reportFor(db, period), recomputed.report);
      io.err(`${changes.length} row(s) differ from edition ${recomputed.edition} with today's definitions`);
      for (const c of changes) io.err(`  ${describeChange(c)}`);
      return 0;
    }
    case "verify": {
      if (rest.length > 0) {
        io.err(`kpi verify takes no arguments\n\n${USAGE}`);
        return 2;
      }
      const { editions, problems } = verifyEditions(db);
      if (problems.length === 0) {
        io.out(`ok: ${editions} edition(s) recomputed from their stored definitions and figures, all as published`);
        return 0;
      }
      io.err(`${problems.length} difference(s) in ${editions} edition(s):`);
      for (const p of problems) io.err(`  ${p}`);
      return 1;
    }
    case "period": {
      const [action, ...args] = rest;
      const options = parseOptions(args, ["--period", "--reason"]);
      if ((action !== "lock" && action !== "reopen") || !options.ok) {
        io.err(`${options.ok ? `kpi period takes lock or reopen` : options.error}\n\n${USAGE}`);
        return 2;
      }
      const period = options.values["--period"];
      const reason = options.values["--reason"]?.trim() ?? "";
      if (period === undefined || !PERIOD_PATTERN.test(period)) {
        io.err(`kpi period ${action} needs --period as YYYY-MM\n\n${USAGE}`);
        return 2;
      }
      if (action === "reopen" && reason === "") {
        io.err(`kpi period reopen needs --reason: the reason is published with the next edition`);
        return 2;
      }
      if (action === "lock") {
        if (!lockPeriod(db, period, "cli", io.now, reason || null)) {
          io.err(`${period} is already locked`);
          return 1;
        }
        const edition = editionsOf(db, period).at(-1)!;
        io.out(`locked ${period}: published edition ${edition.number}`);
        return 0;
      }
      if (!reopenPeriod(db, period, reason, "cli", io.now)) {
        io.err(`${period} is not locked`);
        return 1;
      }
      io.out(`reopened ${period}: its published edition stays; locking it again publishes the next`);
      return 0;
    }
    case "user": {
      const [sub, ...options] = rest;
      const parsed = parseOptions(options, ["--email", "--role", "--name", "--entity"]);
      if (sub !== "add" || !parsed.ok) {
        io.err(`${parsed.ok ? "kpi user takes: add" : parsed.error}\n\n${USAGE}`);
        return 2;
      }
      const given = io.env.KPI_USER_PASSWORD;
      const password = given && given.length > 0 ? given : randomBytes(12).toString("base64url");
      const values = parsed.values;
      const input = newUserSchema.safeParse({
        email: values["--email"] ?? "",
        name: values["--name"] ?? values["--email"] ?? "",
        role: values["--role"] ?? "",
        entityCode: values["--entity"] ?? "",
        password,
      });
      if (!input.success) {
        const messages = en as Record<string, string>;
        for (const issue of input.error.issues) {
          const text = (messages[issue.message] ?? issue.message).replace("{min}", "10").replace("{max}", "200");
          io.err(`--${issue.path[0] === "entityCode" ? "entity" : String(issue.path[0])}: ${text}`);
        }
        return 2;
      }
      if (findUserByEmail(db, input.data.email)) {
        io.err(`a user with the address ${input.data.email} already exists`);
        return 1;
      }
      if (input.data.entityCode && !activeEntityCodes(db).includes(input.data.entityCode)) {
        io.err(`--entity: unknown entity "${input.data.entityCode}"; run kpi sync first`);
        return 1;
      }
      // A printed random password has been seen on a terminal: its owner replaces it at first sign-in.
      const mustChangePassword = !(given && given.length > 0);
      const user = createUser(db, { ...input.data, passwordHash: hashPasswordSync(password), mustChangePassword }, "cli:user-add", io.now);
      io.out(`created ${user.role} ${user.email}`);
      if (!given) io.out(`password: ${password}  (shown once: change it after signing in)`);
      return 0;
    }
    default:
      io.err(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

/** `--name value` or `--name=value` pairs; anything else is a usage error. */
function describeChange(c: RowChange): string {
  const side = (x: RowChange["before"]) => (x ? `${x.actual ?? "no figure"} (${x.status})` : "absent");
  return `${c.kpi} ${c.entity ?? "city"}: ${side(c.before)} -> ${side(c.after)}`;
}

export function parseOptions(
  args: string[],
  known: string[],
): { ok: true; values: Record<string, string> } | { ok: false; error: string } {
  const values: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].split(/=(.*)/s, 2);
    if (!known.includes(name)) return { ok: false, error: `unknown option "${args[i]}"` };
    const value = inline ?? args[++i];
    if (value === undefined) return { ok: false, error: `${name} needs a value` };
    values[name] = value;
  }
  return { ok: true, values };
}
