// The first administrator from the command line, and demo accounts only in a demo database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKpi } from "../../cli/run";
import { getDatabase } from "../../db/index";
import * as s from "../../db/schema";
import { verifyPassword } from "../../app/auth/password.server";
import { parseEnv } from "../../app/utils/env.server";
import { prepareDatabase } from "../../server/prepare";

const dir = mkdtempSync(path.join(tmpdir(), "accounts-it-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kpi(args: string[], extraEnv: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runKpi(args, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { DATABASE_PATH: path.join(dir, "cli.db"), KPI_DEFINITIONS_DIR: path.resolve("kpi-definitions"), ...extraEnv },
    now: new Date("2026-11-24T10:00:00Z"),
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("kpi user add", () => {
  it("creates the first administrator on an empty database, with a password printed once", async () => {
    const result = kpi(["user", "add", "--email", "Chief.Admin@Example.com", "--role", "admin", "--name", "Chief Admin"]);
    expect(result.code).toBe(0);
    expect(result.out).toContain("created admin chief.admin@example.com");
    const password = /password: (\S+)/.exec(result.out)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const user = getDatabase(path.join(dir, "cli.db")).select().from(s.users).get()!;
    expect(user).toMatchObject({ email: "chief.admin@example.com", role: "admin", entityCode: null, name: "Chief Admin" });
    expect(await verifyPassword(password!, user.passwordHash)).toBe(true);
  });

  it("takes a chosen password from KPI_USER_PASSWORD and does not print it", async () => {
    expect(kpi(["sync"]).code).toBe(0);
    const result = kpi(["user", "add", "--email", "focal.rta@gov.example", "--role", "focal-point", "--entity", "RTA"], {
      KPI_USER_PASSWORD: "chosen-password-123",
    });
    expect(result.code).toBe(0);
    expect(result.out).not.toContain("chosen-password-123");
    const db = getDatabase(path.join(dir, "cli.db"));
    const user = db.select().from(s.users).all().find((u) => u.email === "focal.rta@gov.example")!;
    expect(user.entityCode).toBe("RTA");
    expect(await verifyPassword("chosen-password-123", user.passwordHash)).toBe(true);
  });

  it("refuses bad input with a message and exit code 2, and a duplicate with 1", () => {
    const noEntity = kpi(["user", "add", "--email", "x@example.com", "--role", "focal-point"]);
    expect(noEntity.code).toBe(2);
    expect(noEntity.err).toContain("--entity: Choose the entity this focal point reports for.");
    const badRole = kpi(["user", "add", "--email", "x@example.com", "--role", "king"]);
    expect(badRole.code).toBe(2);
    expect(badRole.err).toContain("--role: Choose a role.");
    expect(kpi(["user", "add", "--email", "not-an-address", "--role", "admin"]).code).toBe(2);
    expect(kpi(["user", "add", "--email", "chief.admin@example.com", "--role", "admin"]).code).toBe(1);
    expect(kpi(["user", "add", "--email", "y@example.com", "--role", "focal-point", "--entity", "NOPE"]).code).toBe(1);
    expect(kpi(["user", "remove"]).code).toBe(2);
  });
});

describe("demo accounts", () => {
  it("exist only in a database created with the demo data", () => {
    const empty = prepareDatabase(parseEnv({ DATABASE_PATH: path.join(dir, "empty.db"), SEED_DEMO: "false" }), () => {});
    expect(empty.select().from(s.users).all()).toHaveLength(0);
    expect(empty.select().from(s.figures).all()).toHaveLength(0);
  });

  it("are created with the demo data: one per role and a focal point for each reporting entity", async () => {
    const demo = prepareDatabase(parseEnv({ DATABASE_PATH: path.join(dir, "demo.db"), SEED_DEMO: "true" }), () => {});
    const users = demo.select().from(s.users).all();
    expect(users.map((u) => u.email)).toEqual(
      expect.arrayContaining(["admin@example.com", "executive@example.com", "analyst@example.com", "focal.rta@example.com", "focal.dewa@example.com", "focal.dp@example.com"]),
    );
    // 3 office accounts + 21 reporting entities.
    expect(users).toHaveLength(24);
    expect(users.find((u) => u.email === "focal.dm@example.com")).toMatchObject({ role: "focal-point", entityCode: "DM" });
    expect(await verifyPassword("demo-password", users[0].passwordHash)).toBe(true);
  });
});
