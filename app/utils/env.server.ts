// Environment variables, parsed once. A wrong value stops the process with a message naming it.
import path from "node:path";
import { z } from "zod";

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
  /** A figure that moves more than this share against last month needs a justification. */
  FIGURE_JUMP_SHARE: z.coerce.number({ error: "expected a share such as 0.25" }).gt(0).max(10).default(0.25),
  /** The largest figures file a browser may upload, in bytes. */
  UPLOAD_MAX_BYTES: z.coerce.number({ error: "expected a number of bytes" }).int().min(1024).default(1_048_576),
  /** Load the Smart Dubai demo data into an empty database at start-up. */
  SEED_DEMO: boolean.default(true),
});

export type Env = z.infer<typeof envSchema>;

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
  return {
    ...result.data,
    DATABASE_PATH:
      result.data.DATABASE_PATH === ":memory:"
        ? ":memory:"
        : path.resolve(result.data.DATABASE_PATH),
    KPI_DEFINITIONS_DIR: path.resolve(result.data.KPI_DEFINITIONS_DIR),
  };
}

let cached: Env | undefined;

/** The process's environment, parsed on first use. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
