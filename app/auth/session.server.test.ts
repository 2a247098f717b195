import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../../tests/helpers/db";
import { createUser, setUserDisabled } from "../models/users.server";
import { hashPasswordSync } from "./password.server";
import {
  ABSOLUTE_HOURS,
  IDLE_MINUTES,
  SESSION_COOKIE,
  clearSessionCookie,
  createSession,
  endSession,
  endUserSessions,
  sessionCookie,
  sessionUser,
} from "./session.server";

const T0 = new Date("2026-03-10T08:00:00.000Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const sha256 = (token: string) => createHash("sha256").update(token).digest("hex");

let test: TestDatabase;
let alice: number;
let bob: number;

function withCookie(token: string, url = "http://localhost/") {
  return new Request(url, { headers: { Cookie: `${SESSION_COOKIE}=${token}` } });
}

function row(token: string) {
  return test.db.select().from(s.sessions).where(eq(s.sessions.id, sha256(token))).get();
}

beforeAll(() => {
  test = createTestDatabase();
  const passwordHash = hashPasswordSync("a long enough password");
  alice = createUser(
    test.db,
    { email: "Alice@Example.com", name: "Alice", role: "analyst", entityCode: null, passwordHash },
    "test",
    T0,
  ).id;
  bob = createUser(
    test.db,
    { email: "bob@example.com", name: "Bob", role: "executive", entityCode: null, passwordHash },
    "test",
    T0,
  ).id;
});

afterAll(() => test.close());

describe("createSession and sessionUser", () => {
  it("returns the user of a fresh session", () => {
    const { token, expiresAt } = createSession(test.db, alice, T0);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe(at(ABSOLUTE_HOURS * 60).toISOString());
    expect(sessionUser(test.db, withCookie(token), T0)).toEqual({
      id: alice,
      email: "alice@example.com",
      name: "Alice",
      role: "analyst",
      entityCode: null,
      sessionId: sha256(token),
      mustChangePassword: false,
    });
  });

  it("finds the session cookie among others", () => {
    const { token } = createSession(test.db, alice, T0);
    const request = new Request("http://localhost/", {
      headers: { Cookie: `theme=dark; csrf=abc; ${SESSION_COOKIE}=${token}; lang=ar` },
    });
    expect(sessionUser(test.db, request, at(1))?.id).toBe(alice);
  });

  it("gives each session its own random token", () => {
    const a = createSession(test.db, alice, T0).token;
    const b = createSession(test.db, alice, T0).token;
    expect(a).not.toBe(b);
  });

  it("returns null without a cookie, for an unknown token and for a tampered one", () => {
    const { token } = createSession(test.db, alice, T0);
    const flipped = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    expect(sessionUser(test.db, new Request("http://localhost/"), T0)).toBeNull();
    expect(sessionUser(test.db, withCookie(""), T0)).toBeNull();
    expect(sessionUser(test.db, withCookie("A".repeat(43)), T0)).toBeNull();
    expect(sessionUser(test.db, withCookie(flipped), T0)).toBeNull();
    expect(sessionUser(test.db, withCookie(token.slice(0, -1)), T0)).toBeNull();
    expect(sessionUser(test.db, withCookie(`${token}x`), T0)).toBeNull();
    // Nor does the stored id work as a cookie: only the token hashes to it.
    expect(sessionUser(test.db, withCookie(sha256(token)), T0)).toBeNull();
    expect(sessionUser(test.db, withCookie("%E0%A4%A"), T0)).toBeNull();
    // The real token still works after all that.
    expect(sessionUser(test.db, withCookie(token), T0)?.id).toBe(alice);
  });

  it("stores the sha256 of the token as the id, never the token itself", () => {
    const { token } = createSession(test.db, bob, T0);
    const stored = test.db.$client.prepare("SELECT * FROM sessions WHERE user_id = ?").all(bob) as Array<
      Record<string, unknown>
    >;
    expect(stored).toHaveLength(1);
    expect(stored[0].id).toBe(sha256(token));
    expect(stored[0].id).toMatch(/^[0-9a-f]{64}$/);
    const everything = JSON.stringify(test.db.$client.prepare("SELECT * FROM sessions").all());
    expect(everything).not.toContain(token);
    endUserSessions(test.db, bob, T0);
  });
});

describe("idle expiry", () => {
  it(`ends a session ${IDLE_MINUTES} minutes after its last request`, () => {
    const { token } = createSession(test.db, alice, T0);
    expect(sessionUser(test.db, withCookie(token), at(IDLE_MINUTES))).toBeNull();
    expect(row(token)?.endedAt).toBe(at(IDLE_MINUTES).toISOString());
    // Once ended, it stays ended, even at an earlier clock.
    expect(sessionUser(test.db, withCookie(token), at(1))).toBeNull();
  });

  it("keeps a session used just under the idle limit", () => {
    const { token } = createSession(test.db, alice, T0);
    const justUnder = new Date(at(IDLE_MINUTES).getTime() - 1);
    expect(sessionUser(test.db, withCookie(token), justUnder)?.id).toBe(alice);
    expect(row(token)?.endedAt).toBeNull();
  });

  it("counts idleness from the last request, not from sign-in", () => {
    const { token } = createSession(test.db, alice, T0);
    expect(sessionUser(test.db, withCookie(token), at(IDLE_MINUTES - 1))?.id).toBe(alice);
    expect(sessionUser(test.db, withCookie(token), at(2 * IDLE_MINUTES - 2))?.id).toBe(alice);
    expect(sessionUser(test.db, withCookie(token), at(3 * IDLE_MINUTES - 2))).toBeNull();
  });
});

describe("absolute expiry", () => {
  it(`ends a session ${ABSOLUTE_HOURS} hours after sign-in however busy it was`, () => {
    const { token } = createSession(test.db, alice, T0);
    const end = ABSOLUTE_HOURS * 60;
    for (let minutes = 30; minutes < end; minutes += 30) {
      expect(sessionUser(test.db, withCookie(token), at(minutes))?.id, `at +${minutes} min`).toBe(alice);
    }
    expect(sessionUser(test.db, withCookie(token), at(end))).toBeNull();
    expect(row(token)?.endedAt).toBe(at(end).toISOString());
  });

  it("still works a moment before the absolute end", () => {
    const { token } = createSession(test.db, alice, T0);
    for (let minutes = 30; minutes < ABSOLUTE_HOURS * 60; minutes += 30) sessionUser(test.db, withCookie(token), at(minutes));
    const justBefore = new Date(at(ABSOLUTE_HOURS * 60).getTime() - 1);
    expect(sessionUser(test.db, withCookie(token), justBefore)?.id).toBe(alice);
  });
});

describe("lastSeenAt", () => {
  it("is written at most once a minute", () => {
    const { token } = createSession(test.db, alice, T0);
    expect(row(token)?.lastSeenAt).toBe(T0.toISOString());
    const seconds = (n: number) => new Date(T0.getTime() + n * 1000);

    sessionUser(test.db, withCookie(token), seconds(30));
    expect(row(token)?.lastSeenAt).toBe(T0.toISOString());
    sessionUser(test.db, withCookie(token), seconds(59));
    expect(row(token)?.lastSeenAt).toBe(T0.toISOString());

    sessionUser(test.db, withCookie(token), seconds(60));
    expect(row(token)?.lastSeenAt).toBe(seconds(60).toISOString());

    sessionUser(test.db, withCookie(token), seconds(90));
    sessionUser(test.db, withCookie(token), seconds(119));
    expect(row(token)?.lastSeenAt).toBe(seconds(60).toISOString());

    sessionUser(test.db, withCookie(token), seconds(125));
    expect(row(token)?.lastSeenAt).toBe(seconds(125).toISOString());
  });
});

describe("ending sessions", () => {
  it("returns null for a disabled user's session and ends it", () => {
    const passwordHash = hashPasswordSync("a long enough password");
    const carol = createUser(
      test.db,
      { email: "carol@example.com", name: "Carol", role: "analyst", entityCode: null, passwordHash },
      "test",
      T0,
    ).id;
    const { token } = createSession(test.db, carol, T0);
    expect(sessionUser(test.db, withCookie(token), at(1))?.id).toBe(carol);
    // Disabled directly in the table, so the check does not rely on setUserDisabled ending it.
    test.db.update(s.users).set({ disabledAt: at(2).toISOString() }).where(eq(s.users.id, carol)).run();
    expect(sessionUser(test.db, withCookie(token), at(3))).toBeNull();
    expect(row(token)?.endedAt).toBe(at(3).toISOString());
    // Enabling the account again does not revive the session.
    setUserDisabled(test.db, carol, false, "test", at(4));
    expect(sessionUser(test.db, withCookie(token), at(5))).toBeNull();
  });

  it("endSession ends that one session at once and leaves the others", () => {
    const one = createSession(test.db, alice, T0).token;
    const two = createSession(test.db, alice, T0).token;
    endSession(test.db, sha256(one), at(1));
    expect(row(one)?.endedAt).toBe(at(1).toISOString());
    expect(sessionUser(test.db, withCookie(one), at(1))).toBeNull();
    expect(sessionUser(test.db, withCookie(two), at(1))?.id).toBe(alice);
  });

  it("endUserSessions ends every open session of that user only", () => {
    const a1 = createSession(test.db, alice, T0).token;
    const a2 = createSession(test.db, alice, T0).token;
    const b1 = createSession(test.db, bob, T0).token;
    endUserSessions(test.db, alice, at(2));
    expect(sessionUser(test.db, withCookie(a1), at(2))).toBeNull();
    expect(sessionUser(test.db, withCookie(a2), at(2))).toBeNull();
    expect(row(a1)?.endedAt).toBe(at(2).toISOString());
    expect(row(a2)?.endedAt).toBe(at(2).toISOString());
    expect(sessionUser(test.db, withCookie(b1), at(2))?.id).toBe(bob);
    const open = test.db.$client
      .prepare("SELECT count(*) AS n FROM sessions WHERE user_id = ? AND ended_at IS NULL")
      .get(alice) as { n: number };
    expect(open.n).toBe(0);
  });

  it("endUserSessions does not rewrite when an earlier session ended", () => {
    const early = createSession(test.db, bob, T0).token;
    endSession(test.db, sha256(early), at(1));
    endUserSessions(test.db, bob, at(5));
    expect(row(early)?.endedAt).toBe(at(1).toISOString());
  });
});

describe("session cookies", () => {
  const parts = (header: string) => header.split("; ");

  it("is HttpOnly, SameSite=Lax, Path=/ and lasts the session's absolute lifetime", () => {
    const header = sessionCookie(new Request("http://localhost/login"), "tok-en_123");
    expect(parts(header)[0]).toBe(`${SESSION_COOKIE}=tok-en_123`);
    expect(parts(header)).toEqual(
      expect.arrayContaining(["HttpOnly", "SameSite=Lax", "Path=/", `Max-Age=${ABSOLUTE_HOURS * 3600}`]),
    );
    expect(parts(header)).not.toContain("Secure");
  });

  it("is Secure only on an https:// request", () => {
    expect(parts(sessionCookie(new Request("https://dashboard.example/login"), "t"))).toContain("Secure");
    expect(parts(sessionCookie(new Request("http://dashboard.example/login"), "t"))).not.toContain("Secure");
  });

  it("is cleared with an empty value and Max-Age=0", () => {
    const header = clearSessionCookie(new Request("http://localhost/logout"));
    expect(parts(header)[0]).toBe(`${SESSION_COOKIE}=`);
    expect(parts(header)).toEqual(expect.arrayContaining(["Max-Age=0", "Path=/", "HttpOnly", "SameSite=Lax"]));
    expect(parts(clearSessionCookie(new Request("https://dashboard.example/logout")))).toContain("Secure");
  });

  it("round-trips: the cookie a sign-in sets is the one sessionUser reads", () => {
    const { token } = createSession(test.db, alice, T0);
    const header = sessionCookie(new Request("http://localhost/login"), token);
    const cookie = parts(header)[0];
    const request = new Request("http://localhost/", { headers: { Cookie: cookie } });
    expect(sessionUser(test.db, request, at(1))?.id).toBe(alice);
  });
});
