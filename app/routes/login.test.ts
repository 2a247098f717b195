// The sign-in and sign-out routes end to end: the route modules' actions called with real
// requests, against a real SQLite file synced from the real definitions folder.
import path from "node:path";
import { createHash } from "node:crypto";
import IntlMessageFormat from "intl-messageformat";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const tmp = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "login-route-test-"));
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
import { ar, en, type MessageId } from "~/i18n/messages";
import { syncDefinitions } from "~/models/sync.server";
import {
  LOCKOUT_AFTER_ACCOUNT,
  LOCKOUT_AFTER_ADDRESS,
  LOCKOUT_WINDOW_MINUTES,
  createUser,
  loginThrottle,
} from "~/models/users.server";
import { db } from "~/utils/db.server";
import { action as loginAction, headers as loginHeaders, loader as loginLoader } from "./login";
import { action as logoutAction, loader as logoutLoader } from "./logout";
import { settle } from "../../tests/helpers/route";
import { csrfFor } from "../../tests/helpers/csrf";

const CSRF = "c".repeat(20) + "S_r-F".repeat(4) + "tok"; // 43 base64url characters
const PASSWORD = "correct horse battery staple";
let passwordHash: string;

const sha256 = (token: string) => createHash("sha256").update(token).digest("hex");

// ---------------------------------------------------------------------------------------------
// Calling the routes

interface LoginBody {
  email: string;
  errors: { email?: MessageId; password?: MessageId; form?: MessageId };
  retryMinutes?: number;
}

/** Every error id the action answered with, checked against the catalogues at the end. */
const seenErrors = new Set<MessageId>();

interface PostOptions {
  ip?: string;
  /** The form's token; null leaves the field out. */
  csrf?: string | null;
  /** The whole Cookie header; by default the matching csrf cookie. */
  cookie?: string | null;
  url?: string;
}

function formRequest(url: string, fields: Record<string, string>, options: PostOptions) {
  const body = new URLSearchParams(fields);
  const cookie = options.cookie === undefined ? `csrf=${CSRF}` : options.cookie;
  const csrf = options.csrf === undefined ? csrfFor(cookie ?? "") : options.csrf;
  if (csrf !== null) body.set("csrf", csrf);
  return new Request(url, {
    method: "POST",
    body,
    headers: cookie === null ? {} : { Cookie: cookie },
  });
}

async function login(fields: Record<string, string>, options: PostOptions = {}) {
  const request = formRequest(options.url ?? "http://localhost/login", fields, options);
  const outcome = await settle(() =>
    loginAction({ request, params: {}, context: { clientIp: options.ip ?? "10.0.0.1" } }),
  );
  const body = outcome.body as LoginBody | undefined;
  for (const id of Object.values(body?.errors ?? {})) if (id) seenErrors.add(id);
  return { ...outcome, data: body };
}

async function logout(options: PostOptions = {}) {
  const request = formRequest("http://localhost/logout", {}, options);
  return settle(() => logoutAction({ request, params: {}, context: { clientIp: options.ip ?? "10.0.0.1" } }));
}

// ---------------------------------------------------------------------------------------------
// The database

let nextUser = 0;
function makeUser(role: Role = "analyst", email = `user${++nextUser}@example.com`) {
  const entityCode = role === "focal-point" ? "RTA" : null;
  return createUser(db(), { email, name: `User ${email}`, role, entityCode, passwordHash }, "test", new Date());
}

let nextIp = 0;
/** An address of its own for each test, so address counts do not leak between tests. */
const freshIp = () => `10.1.${Math.floor(++nextIp / 250)}.${nextIp % 250}`;

const count = (table: string) =>
  (db().$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

function events(email: string, kind?: s.AuthEvent) {
  return db()
    .select()
    .from(s.authEvents)
    .where(kind ? and(eq(s.authEvents.email, email), eq(s.authEvents.kind, kind)) : eq(s.authEvents.email, email))
    .orderBy(s.authEvents.id)
    .all();
}

function insertFailures(email: string, ip: string, at: Date, n: number) {
  for (let i = 0; i < n; i++) {
    db().insert(s.authEvents)
      .values({ at: new Date(at.getTime() + i).toISOString(), kind: "failure", email, ip })
      .run();
  }
}

beforeAll(() => {
  const definitions = loadDefinitions(path.resolve(__dirname, "../../kpi-definitions"));
  if (!definitions.ok) throw new Error(JSON.stringify(definitions.errors));
  syncDefinitions(db(), definitions.definitions, new Date().toISOString());
  passwordHash = hashPasswordSync(PASSWORD);
});

afterAll(() => {
  db().$client.close();
  globalThis.__smartComplianceDb = undefined;
  rmSync(tmp.dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

describe("signing in", () => {
  it("with the right password: 302 to redirectTo, an HttpOnly session cookie, a session and a sign-in event", async () => {
    const user = makeUser();
    const ip = freshIp();
    const sessionsBefore = count("sessions");
    const result = await login({ email: user.email, password: PASSWORD, redirectTo: "/kpis?pillar=x" }, { ip });

    expect(result.status).toBe(302);
    expect(result.thrown).toBe(false);
    expect(result.headers.get("Location")).toBe("/kpis?pillar=x");
    const cookie = result.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/^sid=[A-Za-z0-9_-]{43};/);
    const parts = cookie.split("; ");
    expect(parts).toEqual(expect.arrayContaining(["HttpOnly", "SameSite=Lax", "Path=/"]));
    expect(parts).not.toContain("Secure");

    expect(count("sessions")).toBe(sessionsBefore + 1);
    const token = /^sid=([^;]+)/.exec(cookie)![1];
    const session = db().select().from(s.sessions).where(eq(s.sessions.id, sha256(token))).get();
    expect(session).toMatchObject({ userId: user.id, endedAt: null });

    const signIns = events(user.email, "sign-in");
    expect(signIns).toHaveLength(1);
    expect(signIns[0]).toMatchObject({ userId: user.id, ip, email: user.email });

    // The cookie signs the next request in.
    const next = new Request("http://localhost/", { headers: { Cookie: `sid=${token}` } });
    expect(sessionUser(db(), next, new Date())?.id).toBe(user.id);
  });

  it("sets a Secure cookie when the site is served over https", async () => {
    const user = makeUser();
    const result = await login(
      { email: user.email, password: PASSWORD },
      { ip: freshIp(), url: "https://dashboard.example/login" },
    );
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/round");
    expect(result.headers.get("Set-Cookie")!.split("; ")).toContain("Secure");
  });

  it("matches the email case-insensitively and trimmed", async () => {
    const user = makeUser("executive", "Mixed.Case@Example.COM");
    expect(user.email).toBe("mixed.case@example.com");
    const result = await login({ email: "   MIXED.case@EXAMPLE.com \t", password: PASSWORD }, { ip: freshIp() });
    expect(result.status).toBe(302);
    expect(events("mixed.case@example.com", "sign-in")).toHaveLength(1);
  });

  it("with a wrong password: 401 login.error.invalid, the email kept, a failure event, no session", async () => {
    const user = makeUser();
    const ip = freshIp();
    const sessionsBefore = count("sessions");
    const result = await login({ email: user.email, password: `${PASSWORD}!` }, { ip });
    expect(result.status).toBe(401);
    expect(result.data).toEqual({ email: user.email, errors: { form: "login.error.invalid" } });
    expect(result.headers.get("Set-Cookie")).toBeNull();
    expect(count("sessions")).toBe(sessionsBefore);
    const failures = events(user.email, "failure");
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ userId: user.id, ip });
  });

  it("with an unknown email: the same 401 login.error.invalid and a failure event", async () => {
    const ip = freshIp();
    const result = await login({ email: "Nobody@Example.com", password: PASSWORD }, { ip });
    expect(result.status).toBe(401);
    expect(result.data).toEqual({ email: "Nobody@Example.com", errors: { form: "login.error.invalid" } });
    const failures = events("nobody@example.com", "failure");
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ userId: null, ip });
  });

  it("refuses a disabled user with the same 401 login.error.invalid, even with the right password", async () => {
    const user = makeUser();
    db().update(s.users).set({ disabledAt: new Date().toISOString() }).where(eq(s.users.id, user.id)).run();
    const sessionsBefore = count("sessions");
    const result = await login({ email: user.email, password: PASSWORD }, { ip: freshIp() });
    expect(result.status).toBe(401);
    expect(result.data?.errors).toEqual({ form: "login.error.invalid" });
    expect(count("sessions")).toBe(sessionsBefore);
    expect(events(user.email, "failure")).toHaveLength(1);
    expect(events(user.email, "sign-in")).toHaveLength(0);
  });

  it("with an empty email: 400 login.error.emailRequired and nothing recorded", async () => {
    const eventsBefore = count("auth_events");
    const result = await login({ email: "   ", password: PASSWORD }, { ip: freshIp() });
    expect(result.status).toBe(400);
    expect(result.data).toEqual({ email: "", errors: { email: "login.error.emailRequired" } });
    expect(count("auth_events")).toBe(eventsBefore);
  });

  it("with an empty password: 400 login.error.passwordRequired, the typed email kept", async () => {
    const result = await login({ email: " someone@example.com ", password: "" }, { ip: freshIp() });
    expect(result.status).toBe(400);
    expect(result.data).toEqual({ email: "someone@example.com", errors: { password: "login.error.passwordRequired" } });
  });

  it("with both missing (no fields at all): 400 with both field errors", async () => {
    const result = await login({}, { ip: freshIp() });
    expect(result.status).toBe(400);
    expect(result.data).toEqual({
      email: "",
      errors: { email: "login.error.emailRequired", password: "login.error.passwordRequired" },
    });
  });

  it("with a 5,000-character email: 400 login.error.tooLong, nothing written", async () => {
    const sessionsBefore = count("sessions");
    const eventsBefore = count("auth_events");
    const email = `${"a".repeat(4988)}@example.com`;
    expect(email).toHaveLength(5000);
    const result = await login({ email, password: PASSWORD }, { ip: freshIp() });
    expect(result.status).toBe(400);
    expect(result.data?.errors).toEqual({ email: "login.error.tooLong" });
    expect(result.data?.email.length).toBeLessThanOrEqual(320);
    expect(count("sessions")).toBe(sessionsBefore);
    expect(count("auth_events")).toBe(eventsBefore);
  });

  it("with a 5,000-character password: 400 login.error.tooLong, nothing written, even for a real account", async () => {
    const user = makeUser();
    const sessionsBefore = count("sessions");
    const eventsBefore = count("auth_events");
    const result = await login({ email: user.email, password: "p".repeat(5000) }, { ip: freshIp() });
    expect(result.status).toBe(400);
    expect(result.data).toEqual({ email: user.email, errors: { password: "login.error.tooLong" } });
    expect(count("sessions")).toBe(sessionsBefore);
    expect(count("auth_events")).toBe(eventsBefore);
  });

  it("takes lengths up to the limits: a 320-character email and a 200-character password are checked, not refused", async () => {
    const email = `${"b".repeat(308)}@example.com`;
    expect(email).toHaveLength(320);
    const result = await login({ email, password: "p".repeat(200) }, { ip: freshIp() });
    expect(result.status).toBe(401);
    expect(result.data?.errors).toEqual({ form: "login.error.invalid" });
    const over = await login({ email: `x${email}`, password: "p".repeat(201) }, { ip: freshIp() });
    expect(over.status).toBe(400);
    expect(over.data?.errors).toEqual({ email: "login.error.tooLong", password: "login.error.tooLong" });
  });

  it("answers odd characters with 401 or 400 and no exception", async () => {
    const user = makeUser();
    const odd = [
      "مستخدم@مثال.امارات",
      "😀@example.com",
      `"quoted"@example.com`,
      "o'brien@example.com'; DROP TABLE users; --",
      "<script>alert(1)</script>",
      "nul\u0000byte@example.com",
      "\u202Eadmin@example.com",
      "a%00b@example.com",
    ];
    for (const email of odd) {
      for (const password of [PASSWORD, "كلمة المرور 😀 \" ' <script> \u0000"]) {
        const result = await login({ email, password }, { ip: freshIp() });
        expect([400, 401], `${JSON.stringify(email)} / ${JSON.stringify(password)}`).toContain(result.status);
        expect(result.data?.email).toBe(email.trim());
      }
    }
    // An odd password against a real account is a plain failure.
    const result = await login({ email: user.email, password: "nul\u0000😀<script>" }, { ip: freshIp() });
    expect(result.status).toBe(401);
    expect(count("users")).toBeGreaterThan(0);
  });
});

describe("where a sign-in returns to", () => {
  it("follows a path on this site", async () => {
    const user = makeUser();
    const result = await login(
      { email: user.email, password: PASSWORD, redirectTo: "/entities/RTA?period=2025-01" },
      { ip: freshIp() },
    );
    expect(result.headers.get("Location")).toBe("/entities/RTA?period=2025-01");
  });

  for (const redirectTo of ["//evil.example", "https://evil.example", "/\\evil.example", "evil.example", "javascript:alert(1)", ""]) {
    it(`goes to the person's home instead of ${JSON.stringify(redirectTo)}`, async () => {
      const user = makeUser();
      const result = await login({ email: user.email, password: PASSWORD, redirectTo }, { ip: freshIp() });
      expect(result.status).toBe(302);
      expect(result.headers.get("Location")).toBe("/round");
    });
  }

  it("lands each role on its home: an executive on the city overview, the others on the round", async () => {
    const landing: Record<string, string | null> = {};
    for (const role of ["executive", "analyst", "admin", "focal-point"] as const) {
      const user = makeUser(role);
      const result = await login({ email: user.email, password: PASSWORD }, { ip: freshIp() });
      landing[role] = result.headers.get("Location");
    }
    expect(landing).toEqual({ executive: "/", analyst: "/round", admin: "/round", "focal-point": "/round" });
  });

  // Browsers drop tabs and newlines from a URL before resolving it (WHATWG URL), so "/\t/evil"
  // in a Location header takes them to //evil.example; Node's URL does the same.
  it("never redirects to another host, even through a tab a browser would strip", async () => {
    const sent = ["/\t/evil.example", "/\t\\evil.example", "\t//evil.example"];
    const landed: string[] = [];
    for (const redirectTo of sent) {
      const user = makeUser();
      const result = await login({ email: user.email, password: PASSWORD, redirectTo }, { ip: freshIp() });
      expect(result.status).toBe(302);
      landed.push(new URL(result.headers.get("Location")!, "http://localhost/login").origin);
    }
    expect(landed).toEqual(sent.map(() => "http://localhost"));
  });

  // A Location header holds bytes only, without control characters: a redirectTo that cannot be
  // sent as one must not turn a good sign-in into an exception (after the session was created).
  it("signs in with a 302 on this site for a redirectTo with newlines, NUL, Arabic or emoji", async () => {
    const sent = ["/\n/evil.example", "/kpis\r\nSet-Cookie: x=y", "/a\u0000b", "/مرحبا", "/kpis?q=😀"];
    const outcomes: string[] = [];
    for (const redirectTo of sent) {
      const user = makeUser();
      try {
        const result = await login({ email: user.email, password: PASSWORD, redirectTo }, { ip: freshIp() });
        const location = result.headers.get("Location");
        outcomes.push(`${result.status} ${location === null ? "none" : new URL(location, "http://localhost/").origin}`);
      } catch (error) {
        outcomes.push(`threw ${JSON.stringify((error as Error).message.slice(0, 60))}`);
      }
    }
    expect(outcomes).toEqual(sent.map(() => "302 http://localhost"));
  });

  it("the login page's loader keeps redirectTo on this site too", async () => {
    const page = await settle(() =>
      loginLoader({
        request: new Request("http://localhost/login?redirectTo=%2F%2Fevil.example"),
        params: {},
        context: {},
      }),
    );
    expect(page.status).toBe(200);
    // Nothing to return to: the sign-in lands on the person's home.
    expect(page.body).toMatchObject({ redirectTo: "" });
    const ok = await settle(() =>
      loginLoader({ request: new Request("http://localhost/login?redirectTo=%2Fkpis"), params: {}, context: {} }),
    );
    expect(ok.body).toMatchObject({ redirectTo: "/kpis" });
  });

  it("the login page sends someone already signed in on to redirectTo", async () => {
    const user = makeUser();
    const { token } = createSession(db(), user.id, new Date());
    const page = await settle(() =>
      loginLoader({
        request: new Request("http://localhost/login?redirectTo=%2Fkpis", { headers: { Cookie: `sid=${token}` } }),
        params: {},
        context: {},
      }),
    );
    expect(page.status).toBe(302);
    expect(page.headers.get("Location")).toBe("/kpis");
  });
});

describe("the form's security token", () => {
  const cases: Array<[string, PostOptions]> = [
    ["no token in the form", { csrf: null }],
    ["no cookie", { cookie: null }],
    ["a token that does not match the cookie", { csrf: "d".repeat(43) }],
    ["a cookie that does not match the token", { cookie: `csrf=${"e".repeat(43)}`, csrf: CSRF }],
  ];
  for (const [name, options] of cases) {
    it(`refuses a sign-in with ${name}: thrown 403, nothing written`, async () => {
      const user = makeUser();
      const eventsBefore = count("auth_events");
      const sessionsBefore = count("sessions");
      const result = await login({ email: user.email, password: PASSWORD }, { ...options, ip: freshIp() });
      expect(result.status).toBe(403);
      expect(result.thrown).toBe(true);
      expect(count("auth_events")).toBe(eventsBefore);
      expect(count("sessions")).toBe(sessionsBefore);
    });
  }
});

describe("lock-out", () => {
  it("holds under concurrency: of 41 sign-ins sent at once (40 wrong, 1 right) at most 5 reach the password check", async () => {
    const victim = makeUser();
    const attempts = Array.from({ length: 41 }, (_, i) => (i === 17 ? PASSWORD : `wrong guess ${i}`));
    const sessionsBefore = count("sessions");
    // One address each, as from a botnet: only the account's own count can stop them.
    const results = await Promise.all(attempts.map((password) => login({ email: victim.email, password }, { ip: freshIp() })));
    const statuses = results.map((r) => r.status);
    const checked = statuses.filter((status) => status !== 429);
    expect(checked.length).toBeLessThanOrEqual(LOCKOUT_AFTER_ACCOUNT);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(41 - LOCKOUT_AFTER_ACCOUNT);
    // The right password got through only if it was among the first five claimed.
    expect(count("sessions") - sessionsBefore).toBe(statuses.filter((status) => status === 302).length);
    expect(events(victim.email, "failure").length + events(victim.email, "sign-in").length).toBe(checked.length);
  });

  it("sends Retry-After with the 429 page itself (the route's headers function passes it on)", () => {
    const retryAfter = new Headers({ "Retry-After": "840" });
    const merged = loginHeaders({
      actionHeaders: retryAfter,
      loaderHeaders: new Headers(),
      parentHeaders: new Headers({ "Set-Cookie": "csrf=x" }),
      errorHeaders: undefined,
    });
    expect(new Headers(merged).get("Retry-After")).toBe("840");
    expect(new Headers(merged).get("Set-Cookie")).toBe("csrf=x");
  });

  it(`locks an account after ${LOCKOUT_AFTER_ACCOUNT} failures, even for the right password; other accounts still sign in`, async () => {
    const victim = makeUser();
    const bystander = makeUser();
    const ip = freshIp();
    for (let i = 0; i < LOCKOUT_AFTER_ACCOUNT; i++) {
      const failed = await login({ email: victim.email, password: `wrong ${i}` }, { ip });
      expect(failed.status, `failure ${i + 1}`).toBe(401);
    }
    const sessionsBefore = count("sessions");
    const locked = await login({ email: victim.email, password: PASSWORD }, { ip });
    expect(locked.status).toBe(429);
    expect(locked.data?.errors).toEqual({ form: "login.error.locked" });
    expect(locked.data?.email).toBe(victim.email);
    const retryAfter = Number(locked.headers.get("Retry-After"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(LOCKOUT_WINDOW_MINUTES * 60 - 60);
    expect(retryAfter).toBeLessThanOrEqual(LOCKOUT_WINDOW_MINUTES * 60);
    expect(locked.data?.retryMinutes).toBe(Math.ceil(retryAfter / 60));
    expect(count("sessions")).toBe(sessionsBefore);
    expect(events(victim.email, "lock-out")).toHaveLength(1);
    expect(events(victim.email, "lock-out")[0]).toMatchObject({ ip });

    // From another address the locked account stays locked...
    const elsewhere = await login({ email: victim.email, password: PASSWORD }, { ip: freshIp() });
    expect(elsewhere.status).toBe(429);
    // ...but another account signs in.
    const other = await login({ email: bystander.email, password: PASSWORD }, { ip: freshIp() });
    expect(other.status).toBe(302);
  });

  it("unlocks once the failures have left the window", async () => {
    const user = makeUser();
    const ip = freshIp();
    const now = new Date();
    // Five failures just inside the window: locked, for about a minute more.
    insertFailures(user.email, ip, new Date(now.getTime() - (LOCKOUT_WINDOW_MINUTES - 1) * 60_000), LOCKOUT_AFTER_ACCOUNT);
    const throttle = loginThrottle(db(), user.email, ip, now);
    expect(throttle.locked).toBe(true);
    expect(throttle.retryAfterSeconds).toBeGreaterThan(0);
    expect(throttle.retryAfterSeconds).toBeLessThanOrEqual(60);
    const locked = await login({ email: user.email, password: PASSWORD }, { ip });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("Retry-After"))).toBeLessThanOrEqual(60);
    expect(locked.data?.retryMinutes).toBe(1);

    // A little later, past the window, the same failures no longer count.
    const later = new Date(now.getTime() + 61_000);
    expect(loginThrottle(db(), user.email, ip, later)).toMatchObject({ locked: false, retryAfterSeconds: 0 });
  });

  it("lets an account sign in whose failures are older than the window", async () => {
    const user = makeUser();
    const ip = freshIp();
    insertFailures(user.email, ip, new Date(Date.now() - (LOCKOUT_WINDOW_MINUTES + 1) * 60_000), LOCKOUT_AFTER_ACCOUNT * 2);
    expect(loginThrottle(db(), user.email, ip, new Date()).locked).toBe(false);
    const result = await login({ email: user.email, password: PASSWORD }, { ip });
    expect(result.status).toBe(302);
  });

  it("keeps an account's count through a successful sign-in, which counts too: the window, not a success, clears it", async () => {
    const user = makeUser();
    const ip = freshIp();
    for (let i = 0; i < LOCKOUT_AFTER_ACCOUNT - 1; i++) {
      expect((await login({ email: user.email, password: "wrong" }, { ip })).status).toBe(401);
    }
    expect((await login({ email: user.email, password: PASSWORD }, { ip })).status).toBe(302);
    expect(loginThrottle(db(), user.email, ip, new Date()).slowdownSteps).toBeGreaterThan(0);
    // Four wrong and one right are five attempts: a success after wrong passwords counts (in a
    // burst it would otherwise free a slot for a sixth guess), and it did not reset the count.
    expect((await login({ email: user.email, password: "wrong" }, { ip })).status).toBe(429);
    expect((await login({ email: user.email, password: PASSWORD }, { ip })).status).toBe(429);
  });

  it(`locks an address after ${LOCKOUT_AFTER_ADDRESS} failures across different accounts`, async () => {
    const user = makeUser();
    const ip = freshIp();
    for (let i = 0; i < LOCKOUT_AFTER_ADDRESS; i++) {
      const failed = await login({ email: `spray${i}@example.com`, password: "wrong" }, { ip });
      expect(failed.status, `failure ${i + 1}`).toBe(401);
    }
    // No single account reached its limit; the address did.
    expect(loginThrottle(db(), "spray0@example.com", null, new Date()).locked).toBe(false);
    const locked = await login({ email: user.email, password: PASSWORD }, { ip });
    expect(locked.status).toBe(429);
    expect(locked.data?.errors).toEqual({ form: "login.error.locked" });
    expect(Number(locked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(events(user.email, "lock-out")).toEqual([expect.objectContaining({ ip })]);
    // The same account from another address signs in.
    expect((await login({ email: user.email, password: PASSWORD }, { ip: freshIp() })).status).toBe(302);
    // And a success does not clear the address's count.
    expect((await login({ email: makeUser().email, password: PASSWORD }, { ip })).status).toBe(429);
  });
});

describe("signing out", () => {
  it("ends the session, records sign-out, clears the cookie and goes to /login", async () => {
    const user = makeUser();
    const ip = freshIp();
    const { token } = createSession(db(), user.id, new Date());
    const result = await logout({ cookie: `csrf=${CSRF}; sid=${token}`, ip });
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/login");
    const cookie = result.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/^sid=;/);
    expect(cookie.split("; ")).toEqual(expect.arrayContaining(["Max-Age=0", "Path=/", "HttpOnly"]));
    const session = db().select().from(s.sessions).where(eq(s.sessions.id, sha256(token))).get();
    expect(session?.endedAt).not.toBeNull();
    expect(events(user.email, "sign-out")).toEqual([expect.objectContaining({ userId: user.id, ip })]);
    const again = new Request("http://localhost/", { headers: { Cookie: `sid=${token}` } });
    expect(sessionUser(db(), again, new Date())).toBeNull();
  });

  it("without the form's token: 403 and the session stays open", async () => {
    const user = makeUser();
    const { token } = createSession(db(), user.id, new Date());
    for (const options of [
      { cookie: `csrf=${CSRF}; sid=${token}`, csrf: null },
      // The csrf cookie's value is no good once signed in: the token is the session's.
      { cookie: `csrf=${CSRF}; sid=${token}`, csrf: CSRF },
      { cookie: `csrf=${CSRF}; sid=${token}`, csrf: "f".repeat(43) },
    ] satisfies PostOptions[]) {
      const result = await logout(options);
      expect(result.status).toBe(403);
      expect(result.thrown).toBe(true);
    }
    const session = db().select().from(s.sessions).where(eq(s.sessions.id, sha256(token))).get();
    expect(session?.endedAt).toBeNull();
    expect(events(user.email, "sign-out")).toHaveLength(0);
  });

  it("with no session: still clears the cookie and goes to /login, recording nothing", async () => {
    const before = count("auth_events");
    const result = await logout();
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/login");
    expect(result.headers.get("Set-Cookie")).toMatch(/^sid=;.*Max-Age=0/);
    expect(count("auth_events")).toBe(before);
  });

  it("a GET of /logout signs nobody out", async () => {
    const result = await settle(() => logoutLoader());
    expect(result.status).toBe(302);
    expect(result.headers.get("Location")).toBe("/");
  });
});

describe("the messages the sign-in form shows", () => {
  const LOGIN_ERRORS: MessageId[] = [
    "login.error.invalid",
    "login.error.emailRequired",
    "login.error.passwordRequired",
    "login.error.tooLong",
    "login.error.locked",
  ];
  const arabicLetters = /[\u0621-\u064A]/;

  it("answered with every error id above", () => {
    expect([...seenErrors].sort()).toEqual([...LOGIN_ERRORS].sort());
  });

  for (const id of LOGIN_ERRORS) {
    it(`${id} reads in English and in Arabic`, () => {
      const english = new IntlMessageFormat(en[id], "en").format({ minutes: 15 }) as string;
      const arabic = new IntlMessageFormat(ar[id], "ar").format({ minutes: 15 }) as string;
      expect(english.trim().length).toBeGreaterThan(0);
      expect(english).not.toMatch(/[{}]/);
      expect(arabic).toMatch(arabicLetters);
      expect(arabic).not.toMatch(/[{}]/);
      expect(arabic).not.toBe(english);
    });
  }

  it("login.error.locked says how many minutes, in both languages", () => {
    expect(new IntlMessageFormat(en["login.error.locked"], "en").format({ minutes: 1 })).toContain("1 minute.");
    expect(new IntlMessageFormat(en["login.error.locked"], "en").format({ minutes: 15 })).toContain("15 minutes");
    expect(new IntlMessageFormat(ar["login.error.locked"], "ar").format({ minutes: 15 })).toContain("15");
  });
});

describe("the password check the routes rely on", () => {
  it("verifies the shared test hash", async () => {
    expect(await verifyPassword(PASSWORD, passwordHash)).toBe(true);
  });
});
