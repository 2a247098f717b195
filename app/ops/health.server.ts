// What /readyz reports: whether this process can serve people now. Words only, no versions, no
// counts, nothing from the data. docs/decisions/0021-backups-logs-shutdown.md.
import Database from "better-sqlite3";
import type { Db } from "../../db/index";
import { definitionsVersionOf, migrationStatus } from "./backup.server";

export interface Readiness {
  ready: boolean;
  checks: {
    /** The server's connection answers, and the file at DATABASE_PATH opens and reads as a database. */
    database: "ok" | "unreachable";
    migrations: "ok" | "behind" | "ahead" | "unknown";
    definitions: "ok" | "not loaded" | "unknown";
    /** "stopping" once the server has been told to stop: a load balancer sends nothing more. */
    server: "ok" | "stopping";
  };
}

declare global {
  /** Set by server/index.ts when a SIGTERM or SIGINT starts the shutdown. */
  var __smartComplianceStopping: boolean | undefined;
}

export function readiness(databasePath: string, connection: () => Db): Readiness {
  const checks: Readiness["checks"] = {
    database: "ok",
    migrations: "unknown",
    definitions: "unknown",
    server: globalThis.__smartComplianceStopping ? "stopping" : "ok",
  };
  try {
    connection().$client.prepare("SELECT 1").get();
    // A connection of its own, to the file by its name: the server's connection answers from its
    // cache even when the file has been deleted or overwritten underneath it.
    const file = new Database(databasePath, { readonly: true, fileMustExist: true, timeout: 1000 });
    try {
      const migrations = migrationStatus(file);
      checks.migrations = migrations === "current" ? "ok" : migrations;
      checks.definitions = definitionsVersionOf(file) === null ? "not loaded" : "ok";
    } finally {
      file.close();
    }
  } catch {
    checks.database = "unreachable";
  }
  return { ready: Object.values(checks).every((c) => c === "ok"), checks };
}
