import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.server";

describe("the operations variables", () => {
  it("reads BACKUP_EVERY as milliseconds, 0 for none, and stops on anything else, naming it", () => {
    expect(parseEnv({}).BACKUP_EVERY).toBe(0);
    expect(parseEnv({ BACKUP_EVERY: "30m" }).BACKUP_EVERY).toBe(30 * 60_000);
    expect(parseEnv({ BACKUP_EVERY: "6h" }).BACKUP_EVERY).toBe(6 * 3_600_000);
    expect(parseEnv({ BACKUP_EVERY: "1d" }).BACKUP_EVERY).toBe(86_400_000);
    for (const wrong of ["6", "6 h", "1w", "-1h", "0h", "h"]) {
      expect(() => parseEnv({ BACKUP_EVERY: wrong }), wrong).toThrow(/BACKUP_EVERY: expected "0" \(off\) or a duration/);
    }
  });

  it("puts backups beside the database unless BACKUP_DIR says where, and keeps 7 unless told", () => {
    expect(parseEnv({ DATABASE_PATH: "/var/lib/kpi/kpi.db" }).BACKUP_DIR).toBe("/var/lib/kpi/backups");
    expect(parseEnv({ BACKUP_DIR: "elsewhere" }).BACKUP_DIR).toBe(path.resolve("elsewhere"));
    expect(parseEnv({}).BACKUP_KEEP).toBe(7);
    expect(parseEnv({ BACKUP_KEEP: "28" }).BACKUP_KEEP).toBe(28);
    expect(() => parseEnv({ BACKUP_KEEP: "0" })).toThrow(/BACKUP_KEEP/);
    expect(() => parseEnv({ BACKUP_KEEP: "many" })).toThrow(/BACKUP_KEEP: expected a number of backups/);
  });

  it("takes a number of web workers from 1 to 32, and leaves the default to the server (its cores)", () => {
    expect(parseEnv({}).WEB_CONCURRENCY).toBeUndefined();
    expect(parseEnv({ WEB_CONCURRENCY: "2" }).WEB_CONCURRENCY).toBe(2);
    for (const absurd of ["0", "-1", "33", "1e9", "1.5", "two", "2; rm -rf /"]) {
      expect(() => parseEnv({ WEB_CONCURRENCY: absurd }), absurd).toThrow(/WEB_CONCURRENCY/);
    }
    expect(() => parseEnv({ WEB_CONCURRENCY: "two" })).toThrow(/WEB_CONCURRENCY: expected a number of processes/);
  });

  it("takes pino's levels for LOG_LEVEL, info by default", () => {
    expect(parseEnv({}).LOG_LEVEL).toBe("info");
    expect(parseEnv({ LOG_LEVEL: "debug" }).LOG_LEVEL).toBe("debug");
    expect(() => parseEnv({ LOG_LEVEL: "verbose" })).toThrow(/LOG_LEVEL/);
  });
});
