// The account pages end to end: the route modules' loaders and actions called with real requests
// and session cookies, against a real SQLite file synced from the real definitions folder.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const tmp = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "admin-users-route-test-"));
  process.env.DATABASE_PATH = join(dir, "app.db");
  process.env.LOGIN_SLOWDOWN_MS = "0";
  return { dir };
});

import { rmSync } from "node:fs";
import { and, eq } from "drizzle-orm";
import * as s from "../../db/schema";
import type { Role } from "../../db/schema";
import { hashPasswordSync, verifyPassword } from "~/auth/password.server";
import { createSession, sessionUser } from "~/auth/session.server";
import { loadDefinitions } from "~/definitions/load.server";
import type { MessageId } from "~/i18n/messages";
import { syncDefinitions } from "~/models/sync.server";
import { createUser, getUser, type User } from "~/models/users.server";
import { db } from "~/utils/db.server";
import { action as loginAction } from "./login";
import { action as userAction, loader as userLoader } from "./admin.users.$id";
import { action as usersAction, loader as usersLoader } from "./admin.users._index";
import { settle, type Outcome } from "../../tests/helpers/route";
import { csrfFor } from "../../tests/helpers/csrf";

const CSRF = "Adm1n".repeat(8) + "_-z"; // 43 base64url characters
const PASSWORD = "an administrator's password";
const NEW_PASSWORD = "a brand new password 123";
let passwordHash: string;

// ---------------------------------------------------------------------------------------------
// Calling the routes

const context = { clientIp: "10.0.0.1" };

/** The Cookie header of someone signed in (token null: nobody) with the form token's cookie. */
function cookieFor(token: string | null) {
  return token === null ? `csrf=${CSRF}` : `csrf=${CSRF}; sid=${token}`;
}

function get(url: string, token: string | null) {
  return new Request(`http://localhost${url}`, { headers: { Cookie: cookieFor(token) } });
}

function post(url: string, token: string | null, fields: Record<string, string>, csrf?: string | null) {
  const body = new URLSearchParams(fields);
  const field = csrf === undefined ? csrfFor(cookieFor(token)) : csrf;
  if (field !== null) body.set("csrf", field);
  return new Request(`http://localhost${url}`, { method: "POST", body, headers: { Cookie: cookieFor(token) } });
}

const listPage = (token: string | null) =>
  settle(() => usersLoader({ request: get("/admin/users", token), params: {}, context }));

const createAccount = (token: string | null, fields: Record<string, string>, csrf?: string | null) =>
  settle(() => usersAction({ request: post("/admin/users", token, fields, csrf), params: {}, context }));

const userPage = (token: string | null, id: string) =>
  settle(() => userLoader({ request: get(`/admin/users/${id}`, token), params: { id }, context }));

const changeUser = (token: string | null, id: string, fields: Record<string, string>, csrf?: string | null) =>
  settle(() => userAction({ request: post(`/admin/users/${id}`, token, fields, csrf), params: { id }, context }));

// ---------------------------------------------------------------------------------------------
// The database

let nextUser = 0;
function makeUser(role: Role, entityCode: string | null = null, email = `${role}${++nextUser}@example.com`) {
  return createUser(db(), { email, name: `Test ${role}`, role, entityCode, passwordHash }, "test", new Date());
}

const signIn = (user: User) => createSession(db(), user.id, new Date()).token;

const signedInAs = (token: string) =>
  sessionUser(db(), new Request("http://localhost/", { headers: { Cookie: `sid=${token}` } }), new Date());

const count = (table: string) =>
  (db().$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** Every row of the account tables, to show a refused request changed nothing. */
const snapshot = () => ({
  users: db().$client.prepare("SELECT * FROM users ORDER BY id").all(),
  sessions: db().$client.prepare("SELECT * FROM sessions ORDER BY id").all(),
  authEvents: db().$client.prepare("SELECT * FROM auth_events ORDER BY id").all(),
});

function events(userId: number, kind: s.AuthEvent) {
  return db()
    .select()
    .from(s.authEvents)
    .where(and(eq(s.authEvents.userId, userId), eq(s.authEvents.kind, kind)))
    .all();
}

async function canSignIn(email: string, password: string) {
  const body = new URLSearchParams({ email, password, csrf: CSRF });
  const request = new Request("http://localhost/login", { method: "POST", body, headers: { Cookie: `csrf=${CSRF}` } });
  const result = await settle(() => loginAction({ request, params: {}, context: { clientIp: "10.9.9.9" } }));
  return result.status === 302;
}

let admin: User;
let adminToken: string;

beforeAll(() => {
  const definitions = loadDefinitions(path.resolve(__dirname, "../../kpi-definitions"));
  if (!definitions.ok) throw new Error(JSON.stringify(definitions.errors));
  syncDefinitions(db(), definitions.definitions, new Date().toISOString());
  passwordHash = hashPasswordSync(PASSWORD);
  admin = makeUser("admin", null, "chief.admin@example.com");
  adminToken = signIn(admin);
});

afterAll(() => {
  db().$client.close();
  globalThis.__smartComplianceDb = undefined;
  rmSync(tmp.dir, { recursive: true, force: true });
});

type FormResult = { values: Record<string, string>; errors: Partial<Record<string, MessageId>> };

const focalPoint = (email: string) => ({
  email,
  name: "Fatima Al Marri",
  role: "focal-point",
  entityCode: "RTA",
  password: NEW_PASSWORD,
});

// ---------------------------------------------------------------------------------------------

describe("the user list, as an administrator", () => {
  it("lists the users, the entities and the recent events, without password hashes", async () => {
    const page = await listPage(adminToken);
    expect(page.status).toBe(200);
    const body = page.body as { users: Array<Record<string, unknown>>; entities: Array<{ code: string }>; events: unknown[] };
    expect(body.users.map((u) => u.email)).toContain(admin.email);
    for (const user of body.users) expect(user).not.toHaveProperty("passwordHash");
    expect(body.entities.map((e) => e.code)).toContain("RTA");
    expect(Array.isArray(body.events)).toBe(true);
  });
});

describe("creating an account", () => {
  it("creates a focal point: a redirect to the list, a lower-cased email, a scrypt hash, a user-created event", async () => {
    const usersBefore = count("users");
    const result = await createAccount(adminToken, focalPoint("  Fatima.AlMarri@RTA.Example.AE "));
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe(
      `/admin/users?created=${encodeURIComponent("fatima.almarri@rta.example.ae")}`,
    );
    expect(count("users")).toBe(usersBefore + 1);
    const row = db().select().from(s.users).where(eq(s.users.email, "fatima.almarri@rta.example.ae")).get()!;
    expect(row).toMatchObject({
      name: "Fatima Al Marri",
      role: "focal-point",
      entityCode: "RTA",
      disabledAt: null,
      createdBy: admin.email,
    });
    expect(row.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(row.passwordHash).not.toContain(NEW_PASSWORD);
    expect(await verifyPassword(NEW_PASSWORD, row.passwordHash)).toBe(true);
    expect(events(row.id, "user-created")).toEqual([
      expect.objectContaining({ email: row.email, actor: admin.email }),
    ]);
    // The new account signs in with the address in any case.
    expect(await canSignIn("FATIMA.ALMARRI@rta.example.ae", NEW_PASSWORD)).toBe(true);
  });

  it("creates an executive, an analyst and an administrator without an entity", async () => {
    for (const role of ["executive", "analyst", "admin"]) {
      const email = `new.${role}@example.com`;
      const result = await createAccount(adminToken, { email, name: `New ${role}`, role, entityCode: "", password: NEW_PASSWORD });
      expect(result.status, role).toBe(302);
      expect(db().select().from(s.users).where(eq(s.users.email, email)).get()).toMatchObject({ role, entityCode: null });
    }
  });

  const refused: Array<[string, Record<string, string>, Partial<Record<string, MessageId>>]> = [
    [
      "a focal point without an entity",
      { ...focalPoint("no.entity@example.com"), entityCode: "" },
      { entityCode: "admin.error.entity" },
    ],
    [
      "an executive with an entity",
      { ...focalPoint("exec.entity@example.com"), role: "executive" },
      { entityCode: "admin.error.entityNotAllowed" },
    ],
    ["a malformed email", focalPoint("not-an-email"), { email: "admin.error.email" }],
    ["an email with a space inside", focalPoint("two words@example.com"), { email: "admin.error.email" }],
    ["an empty email", focalPoint(""), { email: "admin.error.email" }],
    ["a 400-character email", focalPoint(`${"x".repeat(388)}@example.com`), { email: "admin.error.email" }],
    ["a short password", { ...focalPoint("short.pw@example.com"), password: "short" }, { password: "admin.error.password" }],
    ["a 9-character password", { ...focalPoint("nine.pw@example.com"), password: "123456789" }, { password: "admin.error.password" }],
    ["a 201-character password", { ...focalPoint("long.pw@example.com"), password: "p".repeat(201) }, { password: "admin.error.password" }],
    ["an unknown entity", { ...focalPoint("unknown.entity@example.com"), entityCode: "NOPE" }, { entityCode: "admin.error.entity" }],
    ["a lower-case entity code", { ...focalPoint("lower.entity@example.com"), entityCode: "rta" }, { entityCode: "admin.error.entity" }],
    ["an unknown role", { ...focalPoint("bad.role@example.com"), role: "superuser", entityCode: "" }, { role: "admin.error.role" }],
    ["an empty name", { ...focalPoint("no.name@example.com"), name: "   " }, { name: "admin.error.name" }],
  ];
  for (const [name, fields, errors] of refused) {
    it(`refuses ${name}: 400 with the error and the values kept, nothing written`, async () => {
      const before = snapshot();
      const result = await createAccount(adminToken, fields);
      expect(result.status).toBe(400);
      expect(result.thrown).toBe(false);
      const body = result.body as FormResult;
      expect(body.errors).toEqual(errors);
      const { password: _password, ...kept } = fields;
      expect(body.values).toEqual(kept);
      expect(body.values).not.toHaveProperty("password");
      expect(snapshot()).toEqual(before);
    });
  }

  it("refuses a duplicate email, in any case and spacing: 400 admin.error.emailTaken with the values kept", async () => {
    makeUser("analyst", null, "taken@example.com");
    const before = snapshot();
    const fields = focalPoint(" TAKEN@Example.com ");
    const result = await createAccount(adminToken, fields);
    expect(result.status).toBe(400);
    const body = result.body as FormResult;
    expect(body.errors).toEqual({ email: "admin.error.emailTaken" });
    expect(body.values).toEqual({ email: " TAKEN@Example.com ", name: fields.name, role: "focal-point", entityCode: "RTA" });
    expect(snapshot()).toEqual(before);
  });

  it("reports every field's error at once", async () => {
    const result = await createAccount(adminToken, { email: "nope", name: "", role: "focal-point", entityCode: "", password: "x" });
    expect(result.status).toBe(400);
    expect((result.body as FormResult).errors).toEqual({
      email: "admin.error.email",
      name: "admin.error.name",
      entityCode: "admin.error.entity",
      password: "admin.error.password",
    });
  });

  it("refuses a form without its security token: 403, nothing written", async () => {
    const before = snapshot();
    for (const csrf of [null, "q".repeat(43)]) {
      const result = await createAccount(adminToken, focalPoint("no.csrf@example.com"), csrf);
      expect(result.status).toBe(403);
      expect(result.thrown).toBe(true);
    }
    expect(snapshot()).toEqual(before);
  });
});

describe("a user's page, as an administrator", () => {
  it("shows the user without the password hash", async () => {
    const user = makeUser("focal-point", "DEWA");
    const page = await userPage(adminToken, String(user.id));
    expect(page.status).toBe(200);
    const body = page.body as { user: Record<string, unknown>; entity: { code: string } | null; events: unknown[] };
    expect(body.user).toMatchObject({ id: user.id, email: user.email, role: "focal-point", entityCode: "DEWA" });
    expect(body.user).not.toHaveProperty("passwordHash");
    expect(body.entity?.code).toBe("DEWA");
    expect(body.events).toEqual([expect.objectContaining({ kind: "user-created", userId: user.id })]);
  });

  it("disabling ends the user's sessions at once and records user-disabled", async () => {
    const user = makeUser("analyst");
    const token = signIn(user);
    const other = signIn(user);
    expect(signedInAs(token)?.id).toBe(user.id);
    const result = await changeUser(adminToken, String(user.id), { intent: "disable" });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ done: "admin.user.disabledDone" });
    expect(getUser(db(), user.id)?.disabledAt).not.toBeNull();
    expect(signedInAs(token)).toBeNull();
    expect(signedInAs(other)).toBeNull();
    const open = db().$client
      .prepare("SELECT count(*) AS n FROM sessions WHERE user_id = ? AND ended_at IS NULL")
      .get(user.id) as { n: number };
    expect(open.n).toBe(0);
    expect(events(user.id, "user-disabled")).toEqual([expect.objectContaining({ actor: admin.email })]);
    expect(await canSignIn(user.email, PASSWORD)).toBe(false);
    // The administrator's own session is untouched.
    expect(signedInAs(adminToken)?.id).toBe(admin.id);
  });

  it("enabling lets the user sign in again and records user-enabled", async () => {
    const user = makeUser("executive");
    await changeUser(adminToken, String(user.id), { intent: "disable" });
    expect(await canSignIn(user.email, PASSWORD)).toBe(false);
    const result = await changeUser(adminToken, String(user.id), { intent: "enable" });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ done: "admin.user.enabledDone" });
    expect(getUser(db(), user.id)?.disabledAt).toBeNull();
    expect(events(user.id, "user-enabled")).toEqual([expect.objectContaining({ actor: admin.email })]);
    expect(await canSignIn(user.email, PASSWORD)).toBe(true);
  });

  it("resetting the password: the old one fails, the new one works, sessions end, password-reset recorded", async () => {
    const user = makeUser("focal-point", "RTA");
    const token = signIn(user);
    const result = await changeUser(adminToken, String(user.id), { intent: "reset-password", password: NEW_PASSWORD });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ done: "admin.user.resetDone" });
    expect(signedInAs(token)).toBeNull();
    const stored = getUser(db(), user.id)!.passwordHash;
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword(PASSWORD, stored)).toBe(false);
    expect(await verifyPassword(NEW_PASSWORD, stored)).toBe(true);
    expect(events(user.id, "password-reset")).toEqual([expect.objectContaining({ actor: admin.email })]);
    expect(await canSignIn(user.email, PASSWORD)).toBe(false);
    expect(await canSignIn(user.email, NEW_PASSWORD)).toBe(true);
  });

  it("refuses a reset to a password that is too short or too long: 400, nothing changed", async () => {
    const user = makeUser("analyst");
    const token = signIn(user);
    const before = snapshot();
    for (const password of ["", "short", "p".repeat(201)]) {
      const result = await changeUser(adminToken, String(user.id), { intent: "reset-password", password });
      expect(result.status).toBe(400);
      expect(result.body).toEqual({ error: "admin.error.password" });
    }
    expect(snapshot()).toEqual(before);
    expect(signedInAs(token)?.id).toBe(user.id);
  });

  it("will not let an administrator disable their own account: 400 admin.error.self", async () => {
    const before = snapshot();
    const result = await changeUser(adminToken, String(admin.id), { intent: "disable" });
    expect(result.status).toBe(400);
    expect(result.body).toEqual({ error: "admin.error.self" });
    expect(getUser(db(), admin.id)?.disabledAt).toBeNull();
    expect(snapshot()).toEqual(before);
    expect(signedInAs(adminToken)?.id).toBe(admin.id);
  });

  it("refuses an unknown intent with 400", async () => {
    const user = makeUser("analyst");
    const before = snapshot();
    const result = await changeUser(adminToken, String(user.id), { intent: "delete" });
    expect(result.status).toBe(400);
    expect(snapshot()).toEqual(before);
  });

  it("refuses a change without the form's security token: 403, nothing changed", async () => {
    const user = makeUser("analyst");
    const before = snapshot();
    for (const csrf of [null, "w".repeat(43)]) {
      const result = await changeUser(adminToken, String(user.id), { intent: "disable" }, csrf);
      expect(result.status).toBe(403);
      expect(result.thrown).toBe(true);
    }
    expect(snapshot()).toEqual(before);
  });

  for (const id of ["999999", "0", "abc", "1.5", "-1", "1e3", " 1", "", "１"]) {
    it(`answers 404 for the user id ${JSON.stringify(id)}, loader and action`, async () => {
      const before = snapshot();
      const page = await userPage(adminToken, id);
      expect(page.status).toBe(404);
      expect(page.thrown).toBe(true);
      const change = await changeUser(adminToken, id, { intent: "disable" });
      expect(change.status).toBe(404);
      expect(change.thrown).toBe(true);
      expect(snapshot()).toEqual(before);
    });
  }
});

describe("the account pages refuse everyone but administrators", () => {
  const roles: Array<[Role, string | null]> = [
    ["executive", null],
    ["analyst", null],
    ["focal-point", "RTA"],
  ];
  for (const [role, entity] of roles) {
    it(`as ${role}: 403 for every loader and action, nothing changed`, async () => {
      const actor = makeUser(role, entity);
      const token = signIn(actor);
      const target = makeUser("analyst");
      const targetToken = signIn(target);
      const before = snapshot();

      const outcomes = [
        await listPage(token),
        await createAccount(token, focalPoint(`by.${role}@example.com`)),
        await userPage(token, String(target.id)),
        await changeUser(token, String(target.id), { intent: "disable" }),
        await changeUser(token, String(target.id), { intent: "reset-password", password: NEW_PASSWORD }),
        await changeUser(token, String(admin.id), { intent: "disable" }),
        // Their own account, and an id that does not exist: still 403, not 404.
        await changeUser(token, String(actor.id), { intent: "reset-password", password: NEW_PASSWORD }),
        await userPage(token, "999999"),
      ];
      expect(outcomes.map((o) => [o.status, o.thrown])).toEqual(outcomes.map(() => [403, true]));
      expect(snapshot()).toEqual(before);
      expect(signedInAs(targetToken)?.id).toBe(target.id);
      expect(signedInAs(token)?.id).toBe(actor.id);
    });
  }

  it("anonymous: a redirect to /login with redirectTo back to the page, nothing changed", async () => {
    const target = makeUser("analyst");
    const before = snapshot();
    const cases: Array<[Outcome, string]> = [
      [await listPage(null), "/admin/users"],
      [await createAccount(null, focalPoint("anonymous@example.com")), "/admin/users"],
      [await userPage(null, String(target.id)), `/admin/users/${target.id}`],
      [await changeUser(null, String(target.id), { intent: "disable" }), `/admin/users/${target.id}`],
    ];
    for (const [outcome, back] of cases) {
      expect(outcome.status).toBe(302);
      expect(outcome.thrown).toBe(true);
      expect(outcome.headers.get("Location")).toBe(`/login?${new URLSearchParams({ redirectTo: back })}`);
    }
    expect(snapshot()).toEqual(before);
  });

  it("keeps the query string in redirectTo", async () => {
    const page = await settle(() =>
      usersLoader({ request: get("/admin/users?created=a%40b.c", null), params: {}, context }),
    );
    expect(page.headers.get("Location")).toBe(
      `/login?${new URLSearchParams({ redirectTo: "/admin/users?created=a%40b.c" })}`,
    );
  });

  it("a disabled administrator's old session gets the redirect, not the page", async () => {
    const other = makeUser("admin");
    const token = signIn(other);
    expect((await listPage(token)).status).toBe(200);
    await changeUser(adminToken, String(other.id), { intent: "disable" });
    const page = await listPage(token);
    expect(page.status).toBe(302);
    expect(page.headers.get("Location")).toMatch(/^\/login\?redirectTo=/);
  });
});
