// The notices' pages: a person's inbox (their own notices only, marked read by them only), their
// preferences, and the administrators' Outbox. On the demo database, through the routes' loaders
// and actions as Remix calls them.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const tmp = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "notices-pages-"));
  process.env.DATABASE_PATH = join(dir, "app.db");
  return { dir };
});

import { rmSync } from "node:fs";
import { eq } from "drizzle-orm";
import * as s from "../../db/schema";
import { createSession } from "~/auth/session.server";
import { queueNotices, type NoticeDraft } from "~/notices/outbox.server";
import { loader as rootLoader } from "~/root";
import { action as inboxAction, loader as inboxLoader } from "~/routes/notices._index";
import { action as prefsAction, loader as prefsLoader } from "~/routes/notices.preferences";
import { loader as outboxLoader } from "~/routes/outbox";
import { db } from "~/utils/db.server";
import { loadDemoData } from "../../seeds/demo";
import { csrfFor } from "../helpers/csrf";
import { settle } from "../helpers/route";

const NOW = new Date("2026-11-30T10:00:00Z");
type Persona = "focal" | "otherFocal" | "analyst" | "executive" | "admin";
const EMAILS: Record<Persona, string> = {
  focal: "focal.dm@example.com",
  otherFocal: "focal.rta@example.com",
  analyst: "analyst@example.com",
  executive: "executive@example.com",
  admin: "admin@example.com",
};
const ids = {} as Record<Persona, number>;
const cookies = {} as Record<Persona, string>;

const progress = { due: "2026-12-15T19:59:59.999Z", sent: 3, expected: 9 };
const reminder = (userId: number, entityCode: string, n: number): NoticeDraft => ({
  key: `test|reminder|${userId}|${n}`,
  kind: "reminder",
  userId,
  entityCode,
  period: "2026-11",
  params: { ...progress, daysLeft: 5 },
});

beforeAll(() => {
  loadDemoData(db(), path.resolve("kpi-definitions"), NOW);
  for (const persona of Object.keys(EMAILS) as Persona[]) {
    const user = db().select().from(s.users).where(eq(s.users.email, EMAILS[persona])).get()!;
    ids[persona] = user.id;
    cookies[persona] = `sid=${createSession(db(), user.id, new Date()).token}`;
  }
  db().$client.prepare("DELETE FROM notices").run();
  queueNotices(
    db(),
    [
      ...[1, 2, 3].map((n) => reminder(ids.focal, "DM", n)),
      reminder(ids.otherFocal, "RTA", 1),
      {
        key: "test|returned|rta",
        kind: "returned",
        userId: ids.otherFocal,
        entityCode: "RTA",
        period: "2026-10",
        params: { kpi: "SMART_ADOPTION", comment: "Check the denominator", figureId: 1 },
      },
      {
        key: "test|digest|analyst",
        kind: "digest",
        userId: ids.analyst,
        entityCode: null,
        period: null,
        params: { date: "2026-11-30", waiting: [{ entity: "DM", period: "2026-10", count: 9 }] },
      },
    ],
    NOW,
  );
});

afterAll(() => {
  db().$client.close();
  globalThis.__smartComplianceDb = undefined;
  rmSync(tmp.dir, { recursive: true, force: true });
});

const get = (loader: typeof inboxLoader | typeof outboxLoader | typeof prefsLoader, url: string, persona: Persona, headers: Record<string, string> = {}) =>
  settle(() => loader({ request: new Request(`http://localhost${url}`, { headers: { Cookie: cookies[persona], ...headers } }), params: {}, context: {} }));
const post = (action: typeof inboxAction | typeof prefsAction, url: string, persona: Persona, form: Array<[string, string]>, csrf = true) => {
  const body = new URLSearchParams(form);
  if (csrf) body.append("csrf", csrfFor(cookies[persona]));
  return settle(() =>
    action({ request: new Request(`http://localhost${url}`, { method: "POST", body, headers: { Cookie: cookies[persona] } }), params: {}, context: {} }),
  );
};
const row = (id: number) => db().$client.prepare("SELECT * FROM notices WHERE id = ?").get(id) as Record<string, unknown>;
const idsOf = (persona: Persona) =>
  (db().$client.prepare("SELECT id FROM notices WHERE user_id = ? ORDER BY id").all(ids[persona]) as Array<{ id: number }>).map((r) => r.id);

type Inbox = { notices: Array<{ id: number; kind: string; subject: string; lines: string[]; quote: string | null; path: string; readAt: string | null }>; older: number | null; unread: number };

describe("the inbox", () => {
  it("shows a focal point their own notices only, newest first, with their words and page", async () => {
    const answer = await get(inboxLoader, "/notices", "focal");
    expect(answer.status).toBe(200);
    const inbox = answer.body as Inbox;
    expect(inbox.notices.map((n) => n.id)).toEqual([...idsOf("focal")].reverse());
    expect(inbox.notices.every((n) => n.kind === "reminder" && n.path === "/figures/DM/2026-11")).toBe(true);
    expect(inbox.notices[0].subject).not.toBe("");
    expect(inbox.unread).toBe(3);
    // The other focal point's notices are theirs alone.
    const other = (await get(inboxLoader, "/notices", "otherFocal")).body as Inbox;
    expect(other.notices.map((n) => n.kind).sort()).toEqual(["reminder", "returned"]);
    expect(other.notices.find((n) => n.kind === "returned")?.quote).toBe("Check the denominator");
  });

  it("writes each notice in the page's language", async () => {
    const en = (await get(inboxLoader, "/notices", "otherFocal")).body as Inbox;
    const ar = (await get(inboxLoader, "/notices", "otherFocal", { Cookie: `${cookies.otherFocal}; lang=ar` })).body as Inbox;
    expect(ar.notices[0].subject).not.toBe(en.notices[0].subject);
    expect(ar.notices[0].subject).toMatch(/[\u0600-\u06FF]/);
  });

  it("pages with ?before=<id>, and answers 400 for anything but a positive whole number", async () => {
    const [oldest, middle] = idsOf("focal");
    const page = (await get(inboxLoader, `/notices?before=${middle}`, "focal")).body as Inbox;
    expect(page.notices.map((n) => n.id)).toEqual([oldest]);
    expect(page.older).toBeNull();
    for (const bad of ["abc", "0", "-1", "1.5", "1e3", "99999999999999999999", ""]) {
      const answer = await get(inboxLoader, `/notices?before=${encodeURIComponent(bad)}`, "focal");
      expect({ bad, status: answer.status }).toEqual({ bad, status: 400 });
    }
    const twice = await get(inboxLoader, `/notices?before=2&before=3`, "focal");
    expect(twice.status).toBe(400);
    expect(twice.body).toEqual({ message: "notices.error.before" });
  });

  it("marks nothing when asked to mark another person's notice", async () => {
    const theirs = idsOf("otherFocal")[0];
    const before = row(theirs);
    const answer = await post(inboxAction, "/notices", "focal", [["intent", "read"], ["id", String(theirs)]]);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ marked: 0 });
    expect(row(theirs)).toEqual(before);
  });

  it("marks one of one's own notices read, then all of them, and only one's own", async () => {
    const [first] = idsOf("focal");
    expect((await post(inboxAction, "/notices", "focal", [["intent", "read"], ["id", String(first)]])).body).toEqual({ marked: 1 });
    expect(row(first).read_at).not.toBeNull();
    expect(((await get(inboxLoader, "/notices", "focal")).body as Inbox).unread).toBe(2);
    const root = await settle(() => rootLoader({ request: new Request("http://localhost/notices", { headers: { Cookie: cookies.focal } }), params: {}, context: {} }));
    expect((root.body as { unread: number }).unread).toBe(2);

    const othersBefore = idsOf("otherFocal").map(row);
    expect((await post(inboxAction, "/notices", "focal", [["intent", "read-all"]])).body).toEqual({ marked: 2 });
    expect(idsOf("focal").every((id) => row(id).read_at !== null)).toBe(true);
    expect(idsOf("otherFocal").map(row)).toEqual(othersBefore);
    expect(idsOf("otherFocal").every((id) => row(id).read_at === null)).toBe(true);
    expect(((await get(inboxLoader, "/notices", "focal")).body as Inbox).unread).toBe(0);
    expect(((await get(inboxLoader, "/notices", "otherFocal")).body as Inbox).unread).toBe(2);
  });

  it("answers 400 for a malformed mark, and 403 without the CSRF token, changing nothing", async () => {
    expect((await post(inboxAction, "/notices", "otherFocal", [["intent", "read"], ["id", "abc"]])).status).toBe(400);
    expect((await post(inboxAction, "/notices", "otherFocal", [["intent", "burn"]])).status).toBe(400);
    const refused = await post(inboxAction, "/notices", "otherFocal", [["intent", "read-all"]], false);
    expect(refused.status).toBe(403);
    expect(idsOf("otherFocal").every((id) => row(id).read_at === null)).toBe(true);
  });
});

describe("notice preferences", () => {
  type Prefs = { kinds: string[]; email: string[]; locale: string };

  it("offers each role its own kinds", async () => {
    expect(((await get(prefsLoader, "/notices/preferences", "focal")).body as Prefs).kinds).toEqual(["reminder", "due", "overdue", "returned", "plan-due"]);
    expect(((await get(prefsLoader, "/notices/preferences", "analyst")).body as Prefs).kinds).toEqual(["digest", "escalation"]);
    expect(((await get(prefsLoader, "/notices/preferences", "executive")).body as Prefs).kinds).toEqual(["locked"]);
  });

  it("saves the choice and the language, and reads them back, keeping other roles' kinds as stored", async () => {
    db().$client.prepare("INSERT INTO notice_preferences (user_id, kind, email) VALUES (?, 'digest', 0)").run(ids.focal);
    const answer = await post(prefsAction, "/notices/preferences", "focal", [["email", "returned"], ["email", "due"], ["locale", "ar"]]);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ saved: true });
    const prefs = (await get(prefsLoader, "/notices/preferences", "focal")).body as Prefs;
    expect(prefs.email.sort()).toEqual(["due", "returned"]);
    expect(prefs.locale).toBe("ar");
    const stored = Object.fromEntries(
      (db().$client.prepare("SELECT kind, email FROM notice_preferences WHERE user_id = ?").all(ids.focal) as Array<{ kind: string; email: number }>).map((r) => [r.kind, r.email]),
    );
    expect(stored).toMatchObject({ reminder: 0, due: 1, overdue: 0, returned: 1, digest: 0, escalation: 1, locked: 1 });
  });

  it("refuses an unknown language or kind with 400, keeping what was chosen, and saves nothing", async () => {
    const before = db().$client.prepare("SELECT * FROM notice_preferences WHERE user_id = ? ORDER BY kind").all(ids.focal);
    const answer = await post(prefsAction, "/notices/preferences", "focal", [["email", "reminder"], ["locale", "fr"]]);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ saved: false, errors: { locale: "notices.prefs.error.locale" }, values: { email: ["reminder"], locale: "fr" } });
    const kind = await post(prefsAction, "/notices/preferences", "focal", [["email", "spam"], ["locale", "en"]]);
    expect(kind.status).toBe(400);
    expect(kind.body).toMatchObject({ errors: { email: "notices.prefs.error.kind" } });
    expect(db().$client.prepare("SELECT * FROM notice_preferences WHERE user_id = ? ORDER BY kind").all(ids.focal)).toEqual(before);
    expect(((await get(prefsLoader, "/notices/preferences", "focal")).body as Prefs).locale).toBe("ar");
  });

  it("refuses a post without the CSRF token with 403", async () => {
    const answer = await post(prefsAction, "/notices/preferences", "analyst", [["locale", "ar"]], false);
    expect(answer.status).toBe(403);
    expect(((await get(prefsLoader, "/notices/preferences", "analyst")).body as Prefs).locale).toBe("en");
  });
});

describe("the Outbox", () => {
  type Outbox = { rows: Array<{ id: number; subject: string; to: { email: string; locale: string }; mail: string }>; counts: Array<{ state: string; count: number }> };

  it("is for administrators only", async () => {
    for (const persona of ["analyst", "focal", "executive"] as const) {
      expect({ persona, status: (await get(outboxLoader, "/outbox", persona)).status }).toEqual({ persona, status: 403 });
    }
    const answer = await get(outboxLoader, "/outbox", "admin");
    expect(answer.status).toBe(200);
    const outbox = answer.body as Outbox;
    expect(outbox.rows).toHaveLength(6);
    expect(outbox.counts.find((c) => c.state === "pending")?.count).toBe(6);
  });

  it("writes each subject in its recipient's language", async () => {
    const outbox = (await get(outboxLoader, "/outbox", "admin")).body as Outbox;
    // The focal point chose Arabic above; the analyst reads English.
    const focal = outbox.rows.find((r) => r.to.email === EMAILS.focal)!;
    const analyst = outbox.rows.find((r) => r.to.email === EMAILS.analyst)!;
    expect(focal.to.locale).toBe("ar");
    expect(focal.subject).toMatch(/[\u0600-\u06FF]/);
    expect(analyst.subject).not.toMatch(/[\u0600-\u06FF]/);
  });

  it("filters by state, and answers 400 for a state that is not one", async () => {
    db().$client.prepare("UPDATE notices SET mail = 'failed', last_error = 'connection refused' WHERE user_id = ?").run(ids.analyst);
    const failed = (await get(outboxLoader, "/outbox?state=failed", "admin")).body as Outbox;
    expect(failed.rows.map((r) => r.to.email)).toEqual([EMAILS.analyst]);
    const bogus = await get(outboxLoader, "/outbox?state=bogus", "admin");
    expect(bogus.status).toBe(400);
    expect(bogus.body).toEqual({ message: "outbox.error.state" });
  });
});
