// Environment variables, parsed once. A wrong value stops the process with a message naming it.
import path from "node:path";
import { z } from "zod";
import { LOG_LEVELS } from "./log.server";

const boolean = z
  .enum(["true", "false", "1", "0"], { error: 'expected "true" or "false"' })
  .transform((v) => v === "true" || v === "1");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce
    .number({ error: "expected a port number" })
    .int()
    .min(1)
    .max(65535, { error: "expected a port number" })
    .default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  /** The SQLite file; created and migrated when missing. */
  DATABASE_PATH: z.string().min(1).default("data/smart-compliance.db"),
  /** The definitions folder (contract §1). */
  KPI_DEFINITIONS_DIR: z.string().min(1).default("kpi-definitions"),
  /** First delay after repeated failed sign-ins; it doubles with each further failure. */
  LOGIN_SLOWDOWN_MS: z.coerce.number({ error: "expected milliseconds" }).int().min(0).max(10_000).default(250),
  /** Figures for month M are due on this day of month M+1 (Dubai time, end of the day). */
  FIGURES_DUE_DAY: z.coerce.number({ error: "expected a day of the month" }).int().min(1).max(28).default(10),
  /** Days an entity has, after a month's figures are due, to send a plan for a KPI off track that month. */
  PLAN_DUE_DAYS: z.coerce.number({ error: "expected a number of days" }).int().min(1).max(120).default(15),
  /** A figure that moves more than this share against last month needs a justification. */
  FIGURE_JUMP_SHARE: z.coerce.number({ error: "expected a share such as 0.25" }).gt(0).max(10).default(0.25),
  /** The largest figures file a browser may upload, in bytes. */
  UPLOAD_MAX_BYTES: z.coerce.number({ error: "expected a number of bytes" }).int().min(1024).default(1_048_576),
  /**
   * Load the Smart Dubai demo data (and its accounts, whose password is public) into an empty
   * database at start-up. Unset, it is true only for the default database file, so that
   * `npm start` opens the demo while a deployment that names its own DATABASE_PATH never gets
   * demo accounts unless it asks for them with SEED_DEMO=true.
   */
  SEED_DEMO: boolean.optional(),
  /**
   * Which proxies to believe about the client's address and protocol (X-Forwarded-For and
   * X-Forwarded-Proto): "false" (none, the default), "true" (any: only when the app is reachable
   * through the proxy alone), a number of hops, or addresses and subnets separated by commas.
   */
  /**
   * The mail server notices are sent through, e.g. smtp://user:pass@host:587 (STARTTLS when the
   * server offers it) or smtps://user:pass@host:465. Unset: notices reach the inbox only, and
   * the Outbox lists what would have been e-mailed.
   */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, { error: "expected smtp://user:pass@host:port or smtps://..." })
    .optional(),
  /** The sender of notices, e.g. "Smart Dubai Office <kpi@example.gov>". */
  MAIL_FROM: z.string().min(3).max(200).default("Smart compliance <no-reply@localhost>"),
  /** Where the app is reached, for the links in e-mail; default http://localhost:PORT. */
  APP_URL: z.url({ error: "expected a URL such as https://kpi.example.gov" }).optional(),
  /** Days before a month is due on which its focal points are reminded, e.g. "5,1". */
  REMIND_DAYS: z
    .string()
    .regex(/^\s*\d{1,2}(\s*,\s*\d{1,2})*\s*$/, { error: 'expected days separated by commas, such as "5,1"' })
    .default("5,1"),
  /** Days overdue after which analysts are told about an entity. */
  ESCALATE_DAYS: z.coerce.number({ error: "expected a number of days" }).int().min(1).max(60).default(5),
  /** Minutes between the server's runs of the notice rules and sender; 0 turns it off. */
  NOTIFY_EVERY_MINUTES: z.coerce.number({ error: "expected minutes" }).int().min(0).max(1440).default(5),
  /**
   * Where the server writes its scheduled backups (and `kpi backup` without a file); default a
   * "backups" folder beside the database. Put it on another disk.
   */
  BACKUP_DIR: z.string().min(1).optional(),
  /** How often the server takes a backup: "0" (never, the default), or minutes, hours or days as "30m", "6h", "1d". */
  BACKUP_EVERY: z
    .string()
    .regex(/^(0|[1-9]\d{0,4}[mhd])$/, { error: 'expected "0" (off) or a duration such as "30m", "6h" or "1d"' })
    .default("0"),
  /** How many of the server's scheduled backups are kept; older ones are deleted. */
  BACKUP_KEEP: z.coerce.number({ error: "expected a number of backups" }).int().min(1).max(1000).default(7),
  /**
   * How many processes answer requests, sharing the port: each page is rendered on one core, so a
   * second process doubles what a two-core server answers at once. Default: the machine's cores,
   * at most 2 (decision 25). 1 serves from the one process that also sends notices and takes
   * backups.
   */
  WEB_CONCURRENCY: z.coerce.number({ error: "expected a number of processes" }).int().min(1).max(32).optional(),
  /** The least important log line the server writes. */
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2}|[0-9a-fA-F.:/,\s]+|loopback|linklocal|uniquelocal)$/, {
      error: 'expected "false", "true", a number of hops, or addresses separated by commas',
    })
    .default("false"),
});

export type Env = Omit<
  z.infer<typeof envSchema>,
  "SEED_DEMO" | "TRUST_PROXY" | "REMIND_DAYS" | "APP_URL" | "BACKUP_DIR" | "BACKUP_EVERY"
> & {
  SEED_DEMO: boolean;
  /** Days before the due day, largest first, without repeats. */
  REMIND_DAYS: number[];
  /** Without a trailing slash. */
  APP_URL: string;
  /** The value for Express's "trust proxy" setting. */
  TRUST_PROXY: boolean | number | string;
  /** An absolute path. */
  BACKUP_DIR: string;
  /** Milliseconds between scheduled backups; 0 when the server takes none. */
  BACKUP_EVERY: number;
};

const DURATION_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

function duration(text: string): number {
  if (text === "0") return 0;
  return Number(text.slice(0, -1)) * DURATION_MS[text.at(-1) as keyof typeof DURATION_MS];
}

function trustProxy(text: string): boolean | number | string {
  if (text === "true") return true;
  if (text === "false") return false;
  if (/^\d+$/.test(text)) return Number(text);
  return text.replace(/\s+/g, "");
}

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty variable means "not set", as in most shells' `VAR= command`.
  const present = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ""),
  );
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid environment variables:\n${lines.join("\n")}`);
  }
  const databasePath = result.data.DATABASE_PATH === ":memory:" ? ":memory:" : path.resolve(result.data.DATABASE_PATH);
  return {
    ...result.data,
    BACKUP_DIR: path.resolve(result.data.BACKUP_DIR ?? path.join(path.dirname(path.resolve(result.data.DATABASE_PATH)), "backups")),
    BACKUP_EVERY: duration(result.data.BACKUP_EVERY),
    SEED_DEMO: result.data.SEED_DEMO ?? present.DATABASE_PATH === undefined,
    TRUST_PROXY: trustProxy(result.data.TRUST_PROXY),
    REMIND_DAYS: [...new Set(result.data.REMIND_DAYS.split(",").map((d) => Number(d.trim())))]
      .filter((d) => d > 0)
      .sort((a, b) => b - a),
    APP_URL: (result.data.APP_URL ?? `http://localhost:${result.data.PORT}`).replace(/\/+$/, ""),
    DATABASE_PATH: databasePath,
    KPI_DEFINITIONS_DIR: path.resolve(result.data.KPI_DEFINITIONS_DIR),
  };
}

let cached: Env | undefined;

/** The process's environment, parsed on first use. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** How plans fall due (app/models/plans.server.ts), from the environment. */
export const planSettings = (e: Pick<Env, "FIGURES_DUE_DAY" | "PLAN_DUE_DAYS">) => ({ dueDay: e.FIGURES_DUE_DAY, planDueDays: e.PLAN_DUE_DAYS });
