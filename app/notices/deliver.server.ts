// The scheduler and the sender. A run evaluates the clock's rules at a moment, writes the notices
// now owed (each once, by key) and e-mails what is pending: the server does it every few minutes
// and `npm run kpi -- notify` on demand. The sender claims a few notices at a time, records each
// outcome as soon as it is known and retries failures with backoff, so a crash loses nothing and
// at most the one message in flight could go twice (with the same Message-ID, which mail clients
// fold into one).
import { createHash, randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Transporter } from "nodemailer";
import type { Db } from "../../db/index";
import type { Env } from "../utils/env.server";
import { noticeMail } from "./mail.server";
import { claimDue, existingKeys, queueNotices, recordDelivery, type NoticeDraft } from "./outbox.server";
import { clockNotices, type RoundSettings } from "./rules.server";

/** Who this process is when it claims notices: a second process gets another name. */
export const SENDER = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export type MailSettings = Pick<Env, "SMTP_URL" | "MAIL_FROM" | "APP_URL">;

export function roundSettings(env: Pick<Env, "FIGURES_DUE_DAY" | "REMIND_DAYS" | "ESCALATE_DAYS" | "PLAN_DUE_DAYS">): RoundSettings {
  return { dueDay: env.FIGURES_DUE_DAY, remindDays: env.REMIND_DAYS, escalateDays: env.ESCALATE_DAYS, planDueDays: env.PLAN_DUE_DAYS };
}

/**
 * A transport for SMTP_URL: STARTTLS when the server offers it (smtp://, port 587) or TLS from the
 * start (smtps://). Short timeouts: a mail server that does not answer delays the next retry, not
 * the server. nodemailer is loaded on the first mail: the web workers never send one, and it
 * would cost each of them some 14 MB.
 */
export async function mailTransport(smtpUrl: string): Promise<Transporter> {
  const { default: nodemailer } = await import("nodemailer");
  return nodemailer.createTransport(smtpUrl, {
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as Parameters<typeof nodemailer.createTransport>[1]);
}

export interface DeliveryResult {
  sent: number;
  failed: number;
  /** Left in the inbox only: no SMTP_URL. */
  held: number;
}

/**
 * Notices claimed at a time: few enough to send within a claim's five minutes even when every
 * one waits out the transport's timeouts (10 + 10 + 30 s each).
 */
const BATCH = 5;

/** E-mails every pending notice that is due, until none is left that may be sent now. */
export async function sendPending(
  db: Db,
  mail: MailSettings,
  options: { now?: () => Date; sender?: string; transport?: Transporter } = {},
): Promise<DeliveryResult> {
  const now = options.now ?? (() => new Date());
  const sender = options.sender ?? SENDER;
  const result: DeliveryResult = { sent: 0, failed: 0, held: 0 };
  let transport = options.transport;
  const messageHost = new URL(mail.APP_URL).hostname || "localhost";
  try {
    for (;;) {
      const batch = claimDue(db, sender, now(), BATCH);
      if (batch.length === 0) break;
      for (const notice of batch) {
        if (!mail.SMTP_URL && !options.transport) {
          recordDelivery(db, notice.id, sender, { state: "no-server" }, now());
          result.held++;
          continue;
        }
        if (notice.to.disabled) {
          recordDelivery(db, notice.id, sender, { sent: false, error: "the account is disabled", giveUp: true }, now());
          result.failed++;
          continue;
        }
        transport ??= await mailTransport(mail.SMTP_URL!);
        const message = noticeMail(db, notice, notice.to, mail.APP_URL);
        try {
          await transport.sendMail({
            from: mail.MAIL_FROM,
            to: { name: notice.to.name, address: notice.to.email },
            subject: message.subject,
            text: message.text,
            html: message.html,
            // The same for every attempt of this notice: a copy sent twice reads as one.
            messageId: `<notice-${notice.id}-${createHash("sha256").update(notice.key).digest("hex").slice(0, 16)}@${messageHost}>`,
            headers: { "X-Notice-Kind": notice.kind },
          });
          recordDelivery(db, notice.id, sender, { sent: true }, now());
          result.sent++;
        } catch (error) {
          recordDelivery(db, notice.id, sender, { sent: false, error: describe(error) }, now());
          result.failed++;
        }
      }
    }
  } finally {
    if (transport && transport !== options.transport) transport.close();
  }
  return result;
}

/** A failure in words for the Outbox: the server's answer when there is one, never a stack. */
function describe(error: unknown): string {
  if (error && typeof error === "object") {
    const e = error as { response?: string; code?: string; message?: string };
    return e.response ?? [e.code, e.message].filter(Boolean).join(": ") ?? "unknown error";
  }
  return String(error);
}

export interface RunResult extends DeliveryResult {
  /** Notices the rules owe at that moment and that were not written before. */
  queued: NoticeDraft[];
}

/**
 * One run of the scheduler at `now`: the clock's rules, then the sender. A dry run writes and
 * sends nothing and returns what it would have queued.
 */
export async function runNotices(
  db: Db,
  env: Pick<Env, "FIGURES_DUE_DAY" | "REMIND_DAYS" | "ESCALATE_DAYS" | "PLAN_DUE_DAYS"> & MailSettings,
  options: { now: Date; dryRun?: boolean; transport?: Transporter; sender?: string },
): Promise<RunResult> {
  const drafts = clockNotices(db, options.now, roundSettings(env));
  if (options.dryRun) {
    const known = existingKeys(db, drafts.map((d) => d.key));
    return { queued: drafts.filter((d) => !known.has(d.key)), sent: 0, failed: 0, held: 0 };
  }
  const queued = db.transaction((tx) => queueNotices(tx, drafts, options.now));
  const delivered = await sendPending(db, env, {
    transport: options.transport,
    sender: options.sender,
    // A run at a moment given on the command line sends what is due then, not at the wall clock.
    now: () => options.now,
  });
  return { queued, ...delivered };
}

/**
 * The scheduler inside the server: a run every NOTIFY_EVERY_MINUTES (the first a few seconds after
 * start), never two at once. Returns a stop that waits for a run in progress to end.
 */
export function startNoticeScheduler(
  db: () => Db,
  env: Env,
  log: (line: string) => void,
): () => Promise<void> {
  if (env.NOTIFY_EVERY_MINUTES === 0) return async () => {};
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = runNotices(db(), env, { now: new Date() })
      .then((r) => {
        if (r.queued.length + r.sent + r.failed > 0) {
          log(`notices: ${r.queued.length} queued, ${r.sent} e-mailed, ${r.failed} failed, ${r.held} inbox only`);
        }
      })
      .catch((error: unknown) => log(`notices: the run failed: ${describe(error)}`))
      .finally(() => (running = null));
  };
  const first = setTimeout(tick, 5_000);
  const every = setInterval(tick, env.NOTIFY_EVERY_MINUTES * 60_000);
  first.unref();
  every.unref();
  return async () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(every);
    await running;
  };
}
