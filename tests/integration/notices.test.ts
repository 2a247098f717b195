// Notices end to end on the demo database of 30 November 2026: the rules at given moments, the
// outbox, and the mail as a real SMTP server (smtp-server, in this process) receives it.
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { addMinutes } from "date-fns/addMinutes";
import { and, eq } from "drizzle-orm";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../db/index";
import * as s from "../../db/schema";
import { mailTransport, runNotices, sendPending } from "~/notices/deliver.server";
import { CLAIM_MINUTES, claimDue, inboxOf, recordDelivery, savePreferences } from "~/notices/outbox.server";
import { FSI, LRI, PDI, withoutIsolates } from "~/i18n/bidi";
import { noticeText } from "~/notices/mail.server";
import { lockPeriod, reviewFigure } from "~/models/entry.server";
import { loadDemoData } from "../../seeds/demo";
import { runNotify } from "../../cli/notify";

const NOW = new Date("2026-11-30T10:00:00Z");
/** Five days before November's figures are due (10 December), 09:00 in Dubai. */
const FIVE_DAYS_BEFORE = new Date("2026-12-05T09:00:00+04:00");

interface Received {
  to: string[];
  mail: ParsedMail;
}

/** A mail server that keeps what it accepts, or refuses with `refuse` while that is set. */
async function startMailServer() {
  const received: Received[] = [];
  const state: { refuse: { code: number; message: string } | null } = { refuse: null };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          if (state.refuse) {
            const error = Object.assign(new Error(state.refuse.message), { responseCode: state.refuse.code });
            return callback(error);
          }
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    received,
    state,
    url: `smtp://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let dir: string;
let db: Db;
let mailServer: Awaited<ReturnType<typeof startMailServer>>;

function mailEnv({ smtp = true }: { smtp?: boolean } = {}) {
  return {
    SMTP_URL: smtp ? mailServer.url : undefined,
    MAIL_FROM: "Smart Dubai Office <kpi@example.gov>",
    APP_URL: "https://kpi.example.gov",
    FIGURES_DUE_DAY: 10,
    REMIND_DAYS: [5, 1],
    ESCALATE_DAYS: 5,
    PLAN_DUE_DAYS: 15,
  };
}

const userId = (email: string) => db.select().from(s.users).where(eq(s.users.email, email)).get()!.id;
const noticesOf = (email: string) => db.select().from(s.notices).where(eq(s.notices.userId, userId(email))).all();
const mailsTo = (email: string) => mailServer.received.filter((r) => r.to.includes(email));

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "notices-test-"));
  db = openDatabase(path.join(dir, "app.db"));
  loadDemoData(db, path.resolve("kpi-definitions"), NOW);
  mailServer = await startMailServer();
});

afterAll(async () => {
  await mailServer.close();
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  mailServer.state.refuse = null;
});

describe("the demo's returned figure", () => {
  it("told DHA's focal point at once, with the analyst's comment, in the inbox", () => {
    const notices = noticesOf("focal.dha@example.com");
    expect(notices.map((n) => [n.kind, n.period, n.entityCode])).toEqual([["returned", "2026-09", "DHA"]]);
    const text = noticeText(db, { ...notices[0], params: JSON.parse(notices[0].params) } as never, "en");
    expect(text.subject).toBe("Returned: Transactions through e-/smart channels for September 2026");
    expect(text.quote).toBe("The denominator looks like last year's total: please check it against the transactions system.");
    expect(text.path).toBe("/figures/DHA/2026-09");
  });
});

describe("a run of the rules five days before November is due", () => {
  it("a dry run writes nothing and lists the reminders, the overdue notices and the digest it would queue", async () => {
    const before = db.select().from(s.notices).all().length;
    const out: string[] = [];
    const code = await runNotify(["--now", "2026-12-05T09:00:00+04:00", "--dry-run"], {
      out: (l) => out.push(l),
      err: (l) => out.push(l),
      env: { DATABASE_PATH: path.join(dir, "app.db") },
      now: NOW,
    });
    expect(code).toBe(0);
    expect(db.select().from(s.notices).all().length).toBe(before);
    expect(out[0]).toMatch(/^would queue \d+ notice\(s\) at 2026-12-05T05:00:00.000Z$/);
    expect(out.some((l) => l.includes("reminder|5|") && l.includes(" DM 2026-11"))).toBe(true);
    expect(out.some((l) => l.startsWith("  overdue") && l.includes(" CDA 2026-10"))).toBe(true);
    expect(out.some((l) => l.startsWith("  digest"))).toBe(true);
  });

  it("refuses a moment without its offset", async () => {
    const err: string[] = [];
    const code = await runNotify(["--now", "2026-12-05T09:00"], { out: () => {}, err: (l) => err.push(l), env: {}, now: NOW });
    expect(code).toBe(2);
    expect(err[0]).toContain("is not a moment such as 2026-12-06T09:00:00+04:00");
  });

  it("reminds each focal point of their own entity, in their language, with a link to the month's page", async () => {
    // DM's focal point reads Arabic.
    savePreferences(db, userId("focal.dm@example.com"), {
      email: Object.fromEntries(s.NOTICE_KINDS.map((k) => [k, true])) as Record<s.NoticeKind, boolean>,
      locale: "ar",
    });
    // Pending since the demo: DHA's returned figure and the executive's December 2018 summary.
    expect(db.select().from(s.notices).where(eq(s.notices.mail, "pending")).all().map((n) => n.kind).sort()).toEqual(["locked", "returned"]);
    const result = await runNotices(db, mailEnv(), { now: FIVE_DAYS_BEFORE });
    expect(result.failed).toBe(0);
    expect(result.sent).toBe(result.queued.length + 2);

    const rta = mailsTo("focal.rta@example.com").map((r) => r.mail);
    expect(rta.map((m) => m.subject)).toEqual(["Reminder: Roads and Transport Authority's figures for November 2026 are due in 5 days"]);
    expect(rta[0].text).toContain("0 of 9 figures for November 2026 have been submitted. The rest are due by the end of 10 December 2026 (Dubai time).");
    expect(rta[0].text).toContain("https://kpi.example.gov/figures/RTA/2026-11");
    expect(rta[0].html).toContain('dir="ltr"');
    expect(rta[0].from?.text).toBe('"Smart Dubai Office" <kpi@example.gov>');
    // Nothing about another entity in a focal point's mail.
    expect(rta[0].text).not.toMatch(/Dubai Municipality|Community Development|Economic Development/);

    const dm = mailsTo("focal.dm@example.com").map((r) => r.mail);
    expect(dm).toHaveLength(1);
    // The month and the count stand in bidi isolates, as on the pages (decision 22): a mail
    // client draws a subject left to right as often as not.
    expect(dm[0].subject).toBe(`تذكير: موعد تسليم أرقام بلدية دبي لشهر ${FSI}نوفمبر 2026${PDI} بعد ${LRI}5${PDI} أيام`);
    expect(dm[0].html).toContain('dir="rtl"');
    expect(dm[0].html).toContain('lang="ar"');
    expect(dm[0].text).toContain("https://kpi.example.gov/figures/DM/2026-11");

    // CDA sent nothing for October (due 10 November): overdue, 25 days.
    const cda = mailsTo("focal.cda@example.com").map((r) => r.mail.subject);
    expect(cda).toContain("Overdue: Community Development Authority's figures for October 2026");
    // The analysts: a digest of what waits, and escalations for entities five or more days late.
    const analyst = mailsTo("analyst@example.com").map((r) => r.mail.subject ?? "");
    expect(analyst.filter((x) => x.startsWith("Escalation: Community Development Authority is 25 days late with October 2026"))).toHaveLength(1);
    expect(analyst.filter((x) => / wait for review, 5 December 2026$/.test(x))).toHaveLength(1);
    // Every accepted message matches a notice recorded as sent.
    const sent = db.select().from(s.notices).where(eq(s.notices.mail, "sent")).all();
    expect(sent.length).toBe(mailServer.received.length);
  });

  it("run again at the same moment, and by two schedulers at once, queues and sends nothing more", async () => {
    const received = mailServer.received.length;
    const rows = db.select().from(s.notices).all().length;
    const [a, b] = await Promise.all([
      runNotices(db, mailEnv(), { now: FIVE_DAYS_BEFORE, sender: "process-a" }),
      runNotices(db, mailEnv(), { now: FIVE_DAYS_BEFORE, sender: "process-b" }),
    ]);
    expect(a.queued.length + b.queued.length).toBe(0);
    expect(db.select().from(s.notices).all().length).toBe(rows);
    expect(mailServer.received.length).toBe(received);
  });
});

describe("two schedulers evaluating a new moment at once", () => {
  it("queue each notice once and send each once", async () => {
    const received = mailServer.received.length;
    const dueDay = new Date("2026-12-10T08:00:00+04:00");
    const [a, b] = await Promise.all([
      runNotices(db, mailEnv(), { now: dueDay, sender: "process-a" }),
      runNotices(db, mailEnv(), { now: dueDay, sender: "process-b" }),
    ]);
    const queued = [...a.queued, ...b.queued];
    expect(new Set(queued.map((n) => n.key)).size).toBe(queued.length);
    expect(a.sent + b.sent).toBe(queued.length);
    const fresh = mailServer.received.slice(received);
    expect(fresh).toHaveLength(queued.length);
    expect(new Set(fresh.map((r) => r.mail.messageId)).size).toBe(fresh.length);
    expect(mailsTo("focal.rta@example.com").map((r) => r.mail.subject)).toContain("Due today: Roads and Transport Authority's figures for November 2026");
  });
});

describe("when the mail server fails", () => {
  it("a refused connection leaves the notices queued, and they are delivered on a later run", async () => {
    await mailServer.close();
    const overdueDay = new Date("2026-12-11T09:00:00+04:00");
    const run = await runNotices(db, mailEnv(), { now: overdueDay });
    expect(run.queued.length).toBeGreaterThan(0);
    expect(run.sent).toBe(0);
    expect(run.failed).toBe(run.queued.length);
    const waiting = db.select().from(s.notices).where(and(eq(s.notices.mail, "pending"), eq(s.notices.attempts, 1))).all();
    expect(waiting).toHaveLength(run.queued.length);
    expect(waiting[0].lastError).toMatch(/ECONNREFUSED/);
    expect(waiting[0].nextAttemptAt).toBe(addMinutes(overdueDay, 1).toISOString());

    // Back up on another port; the same notices go out a minute later, once each.
    mailServer = await startMailServer();
    const early = await sendPending(db, mailEnv(), { now: () => overdueDay });
    expect(early.sent).toBe(0);
    const later = await sendPending(db, mailEnv(), { now: () => addMinutes(overdueDay, 1) });
    expect(later.sent).toBe(run.queued.length);
    expect(mailServer.received).toHaveLength(run.queued.length);
    expect(mailsTo("focal.rta@example.com").map((r) => r.mail.subject)).toEqual(["Overdue: Roads and Transport Authority's figures for November 2026"]);
  });

  it("a 4xx or 5xx answer leaves the notice queued with the server's words, and it is delivered later", async () => {
    const at = new Date("2026-12-12T09:00:00+04:00");
    const id = userId("focal.dm@example.com");
    db.insert(s.notices)
      .values({ key: "test|refused", kind: "due", userId: id, entityCode: "DM", period: "2026-11", params: JSON.stringify({ due: "2026-12-10T19:59:59.999Z", sent: 0, expected: 9 }), createdAt: at.toISOString(), mail: "pending", nextAttemptAt: at.toISOString() })
      .run();
    const row = () => db.select().from(s.notices).where(eq(s.notices.key, "test|refused")).get()!;

    const dmBefore = mailsTo("focal.dm@example.com").length;
    mailServer.state.refuse = { code: 451, message: "Try again later" };
    expect((await sendPending(db, mailEnv(), { now: () => at })).failed).toBe(1);
    expect(row()).toMatchObject({ mail: "pending", attempts: 1 });
    expect(row().lastError).toContain("451");

    mailServer.state.refuse = { code: 550, message: "Mailbox unavailable" };
    expect((await sendPending(db, mailEnv(), { now: () => addMinutes(at, 1) })).failed).toBe(1);
    expect(row()).toMatchObject({ mail: "pending", attempts: 2, nextAttemptAt: addMinutes(at, 6).toISOString() });
    expect(row().lastError).toContain("550");

    mailServer.state.refuse = null;
    expect((await sendPending(db, mailEnv(), { now: () => addMinutes(at, 6) })).sent).toBe(1);
    expect(row()).toMatchObject({ mail: "sent", attempts: 2 });
    expect(mailsTo("focal.dm@example.com").slice(dmBefore).map((r) => withoutIsolates(r.mail.subject ?? ""))).toEqual(["موعد التسليم اليوم: أرقام بلدية دبي لشهر نوفمبر 2026"]);
  });
});

describe("a sender that dies mid-send", () => {
  it("sends nothing twice: what it sent is recorded, what it held is sent by another process once its claim ends", async () => {
    const at = new Date("2026-12-13T09:00:00+04:00");
    const id = userId("focal.rta@example.com");
    for (let i = 0; i < 5; i++) {
      db.insert(s.notices)
        .values({ key: `test|crash|${i}`, kind: "due", userId: id, entityCode: "RTA", period: "2026-11", params: JSON.stringify({ due: "2026-12-10T19:59:59.999Z", sent: i, expected: 9 }), createdAt: at.toISOString(), mail: "pending", nextAttemptAt: at.toISOString() })
        .run();
    }
    const before = mailServer.received.length;
    // Process A claims the five, sends two of them, and is killed before the third.
    const claimed = claimDue(db, "process-a", at, 5);
    expect(claimed).toHaveLength(5);
    const transport = await mailTransport(mailServer.url);
    for (const notice of claimed.slice(0, 2)) {
      await transport.sendMail({ from: "kpi@example.gov", to: notice.to.email, subject: notice.key, text: "." });
      recordDelivery(db, notice.id, "process-a", { sent: true }, at);
    }
    transport.close();

    // Process B, restarted meanwhile, leaves A's claim alone while it lasts...
    expect((await sendPending(db, mailEnv(), { now: () => addMinutes(at, 1), sender: "process-b" })).sent).toBe(0);
    // ...and sends the other three once it has ended.
    const after = await sendPending(db, mailEnv(), { now: () => addMinutes(at, CLAIM_MINUTES), sender: "process-b" });
    expect(after.sent).toBe(3);
    const fresh = mailServer.received.slice(before);
    expect(fresh).toHaveLength(5);
    const rows = db.select().from(s.notices).all().filter((n) => n.key.startsWith("test|crash|"));
    expect(rows.every((n) => n.mail === "sent")).toBe(true);
    // And A, had it lived, can no longer record anything on notices it no longer holds.
    recordDelivery(db, claimed[4].id, "process-a", { sent: false, error: "late" }, at);
    expect(db.select().from(s.notices).where(eq(s.notices.id, claimed[4].id)).get()!.mail).toBe("sent");
  });
});

describe("notices an event writes", () => {
  it("a returned figure reaches its focal point at once, in their language, with the comment", async () => {
    const at = new Date("2026-12-14T09:00:00+04:00");
    const figure = db
      .select()
      .from(s.figures)
      .where(and(eq(s.figures.entityCode, "DM"), eq(s.figures.period, "2026-10"), eq(s.figures.status, "submitted")))
      .get()!;
    const result = reviewFigure(db, { figureId: figure.id, decision: "return", comment: "الرقم أعلى من المتوقع: يرجى مراجعته.", actor: "analyst@example.com", now: at });
    expect(result.ok).toBe(true);
    const notice = noticesOf("focal.dm@example.com").find((n) => n.kind === "returned")!;
    expect(notice).toMatchObject({ period: "2026-10", entityCode: "DM", mail: "pending" });
    // Nobody else hears of it.
    expect(db.select().from(s.notices).where(eq(s.notices.key, notice.key)).all()).toHaveLength(1);

    const before = mailServer.received.length;
    await sendPending(db, mailEnv(), { now: () => at });
    const mail = mailServer.received.slice(before).find((r) => r.to.includes("focal.dm@example.com"))!.mail;
    expect(withoutIsolates(mail.subject ?? "")).toMatch(/^أُعيد: .+ لشهر أكتوبر 2026$/);
    expect(mail.text).toContain("“الرقم أعلى من المتوقع: يرجى مراجعته.”");
    expect(mail.text).toContain("https://kpi.example.gov/figures/DM/2026-10");
  });

  it("locking a month sends the executives its summary: the headline against its target, who met and missed it", async () => {
    const at = new Date("2026-12-14T10:00:00+04:00");
    expect(lockPeriod(db, "2026-08", "admin@example.com", at)).toBe(true);
    const notice = noticesOf("executive@example.com").find((n) => n.kind === "locked" && n.period === "2026-08")!;
    const summary = JSON.parse(notice.params) as { headline: { kpi: string; actual: number; target: number }; met: string[]; missed: Array<{ entity: string }> };
    expect(summary.headline.kpi).toBe("SMART_ADOPTION");
    expect(summary.met.length + summary.missed.length).toBeGreaterThan(10);

    const before = mailServer.received.length;
    await sendPending(db, mailEnv(), { now: () => at });
    const mail = mailServer.received.slice(before).find((r) => r.to.includes("executive@example.com"))!.mail;
    expect(mail.subject).toMatch(/^August 2026 is locked: .+ \d+(\.\d)?% against a target of \d+%$/);
    expect(mail.text).toContain("The figures for August 2026 are final.");
    expect(mail.text).toMatch(/City-wide, .+: \d+(\.\d)?% against a target of \d+% \(Met\)\./);
    // Dubai Police's 94.96% is below its 95%: the figure as entered, not "95% against 95%".
    expect(mail.text).toMatch(/Dubai Police: 95% \(94\.9\d\) against 95%/);
    expect(mail.text).toContain("https://kpi.example.gov/?period=2026-08");
  });
});

describe("preferences and no mail server", () => {
  it("a kind chosen for the inbox only is never e-mailed; without SMTP_URL notices stay in the inbox", async () => {
    const id = userId("focal.ded@example.com");
    const email = Object.fromEntries(s.NOTICE_KINDS.map((k) => [k, k !== "reminder"])) as Record<s.NoticeKind, boolean>;
    savePreferences(db, id, { email, locale: "en" });
    const before = mailServer.received.length;
    // December's figures, five days before they are due: reminders again, by the inbox alone for DED.
    const at = new Date("2027-01-05T09:00:00+04:00");
    const run = await runNotices(db, mailEnv({ smtp: false }), { now: at });
    expect(run.sent).toBe(0);
    expect(mailServer.received.length).toBe(before);
    const ded = noticesOf("focal.ded@example.com").filter((n) => n.period === "2026-12");
    expect(ded.map((n) => [n.kind, n.mail])).toEqual([["reminder", "inbox"]]);
    const rta = noticesOf("focal.rta@example.com").filter((n) => n.period === "2026-12");
    expect(rta.map((n) => [n.kind, n.mail])).toEqual([["reminder", "no-server"]]);
    expect(run.held).toBeGreaterThan(0);
    // The inbox has them, newest first.
    expect(inboxOf(db, id).notices[0]).toMatchObject({ kind: "reminder", period: "2026-12" });
  });
});
