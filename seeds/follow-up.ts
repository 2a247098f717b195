// The demo's follow-up: commentary and corrective action plans as the office and the entities
// would have written them, so the overview can answer "who is off track and what are they doing
// about it" from the first start. Written through the same model functions as the pages, by the
// demo's own accounts, at moments after the month's figures were due; a step whose moment has not
// come yet is left out, so the same date always gives the same demo.
import { eq } from "drizzle-orm";
import type { Db } from "../db/index";
import * as s from "../db/schema";
import { CITY, reviewCommentary, writeCommentary } from "../app/models/commentary.server";
import { closable, followUpsFor, reviewPlan, sendPlan, type FollowUp, type PlanSettings } from "../app/models/plans.server";
import { addMonths, dueMoment } from "../app/figures/month";

const SETTINGS: PlanSettings = { dueDay: 10, planDueDays: 15 };

/** An instant `days` (and `hours`) after a month's figures were due. */
const after = (period: string, days: number, hours = 0) =>
  new Date(Date.parse(dueMoment(period, SETTINGS.dueDay)) + (days * 24 + hours) * 3_600_000);

function actor(db: Db, email: string) {
  const user = db.select().from(s.users).where(eq(s.users.email, email)).get();
  if (!user) throw new Error(`the demo account ${email} is missing`);
  return { id: user.id, role: user.role, entityCode: user.entityCode, email: user.email };
}

const focalOf = (db: Db, entity: string) => actor(db, `focal.${entity.toLowerCase()}@example.com`);

// Words an entity might write; the demo alternates languages, as entities do.
const WORDS = {
  en: {
    analysis: "The figure fell short because two of the systems behind it were down for maintenance for nine days, and a supplier's contract change delayed the rest of the work.",
    recommendation: "Move maintenance outside working hours, agree the supplier's new dates in writing, and report weekly until the KPI is back on track.",
    summary: "A month below target on one KPI, for reasons we understand and are correcting; the other KPIs held.",
    plan: "Bring the systems behind the KPI back to full availability and recover the delayed work within the quarter.",
  },
  ar: {
    analysis: "جاء الرقم دون المستهدف لأن نظامين من الأنظمة التي يقوم عليها توقفا للصيانة تسعة أيام، وأخّر تغيير في عقد أحد الموردين بقية العمل.",
    recommendation: "نقل الصيانة إلى خارج ساعات العمل، والاتفاق كتابيًا على المواعيد الجديدة مع المورد، ورفع تقرير أسبوعي حتى يعود المؤشر إلى المسار.",
    summary: "شهر دون المستهدف في مؤشر واحد لأسباب نفهمها ونعمل على تصحيحها؛ وحافظت المؤشرات الأخرى على مستواها.",
    plan: "إعادة الأنظمة التي يقوم عليها المؤشر إلى الجاهزية الكاملة واستدراك العمل المتأخر خلال الربع.",
  },
} as const;

/** One plan per entity at most, the first KPIs by entity: enough to show each state, and some owed. */
function firstPerEntity(followUps: FollowUp[], count: number): FollowUp[] {
  const seen = new Set<string>();
  const out: FollowUp[] = [];
  for (const f of [...followUps].sort((a, b) => a.entity.localeCompare(b.entity) || a.kpi.localeCompare(b.kpi))) {
    if (seen.has(f.entity) || f.plan) continue;
    seen.add(f.entity);
    out.push(f);
    if (out.length === count) break;
  }
  return out;
}

function must<T extends { ok: boolean }>(outcome: T, what: string): T {
  // The demo is ours: a step the rules refuse is a bug in it, not bad input.
  if (!outcome.ok) throw new Error(`demo follow-up: ${what} was refused (${JSON.stringify(outcome)})`);
  return outcome;
}

/**
 * A month's follow-up: the executive summary; for the first entities off track, commentary and a
 * plan in each state (accepted, awaiting review, returned); the rest owed.
 */
function followUpMonth(db: Db, period: string, now: Date, options: { acceptAll: boolean }) {
  const analyst = actor(db, "analyst@example.com");
  const owed = followUpsFor(db, period, SETTINGS, after(period, 0));
  const chosen = firstPerEntity(owed, 8);
  chosen.forEach((f, i) => {
    const language = i % 2 === 0 ? "en" : "ar";
    const words = WORDS[language];
    const focal = focalOf(db, f.entity);
    const wrote = after(period, 2 + i, 3);
    if (wrote > now) return;
    const comment = must(
      writeCommentary(db, focal, { subject: "kpi", entity: f.entity, kpi: f.kpi, period }, { analysis: words.analysis, recommendation: words.recommendation, language, basedOn: null }, wrote),
      "a KPI's commentary",
    );
    const summary = must(
      writeCommentary(db, focal, { subject: "entity", entity: f.entity, kpi: "", period }, { analysis: words.summary, recommendation: "", language, basedOn: null }, wrote),
      "an entity's summary",
    );
    const reviewed = after(period, 4 + i, 2);
    if (reviewed <= now && comment.ok) must(reviewCommentary(db, analyst, comment.row.id, "approve", "", reviewed), "approving commentary");
    // Approved as well, so executives (and the briefing book) read the entities' summaries.
    if (reviewed <= now && summary.ok) must(reviewCommentary(db, analyst, summary.row.id, "approve", "", reviewed), "approving a summary");
    const sent = after(period, 6 + i, 1);
    if (sent > now) return;
    const plan = must(
      sendPlan(
        db,
        focal,
        {
          entity: f.entity,
          kpi: f.kpi,
          period,
          planId: null,
          version: null,
          summary: words.plan,
          language,
          actions: [
            { id: null, title: language === "en" ? "Move the systems' maintenance outside working hours" : "نقل صيانة الأنظمة إلى خارج ساعات العمل", owner: language === "en" ? "Head of digital services" : "رئيس الخدمات الرقمية", dueMonth: addMonths(period, 1), state: options.acceptAll ? "done" : "in-progress", progress: "" },
            { id: null, title: language === "en" ? "Agree the supplier's new delivery dates in writing" : "الاتفاق كتابيًا مع المورد على مواعيد التسليم الجديدة", owner: language === "en" ? "Procurement manager" : "مدير المشتريات", dueMonth: addMonths(period, 3), state: options.acceptAll ? "done" : "planned", progress: "" },
          ],
        },
        SETTINGS,
        sent,
      ),
      "a plan",
    );
    if (!plan.ok) return;
    const decided = after(period, 9 + i, 4);
    if (decided > now) return;
    // Accepted, left waiting, returned, accepted, and again: each state on show.
    if (options.acceptAll || i % 4 === 0 || i % 4 === 3) {
      const accepted = must(reviewPlan(db, analyst, { planId: plan.plan.id, version: plan.plan.version, decision: "accept", note: "" }, decided), "accepting a plan");
      // The deadline month's plans are closed at the first quarterly look that finds their KPI
      // back on track, as the office would.
      for (let quarter = 1; options.acceptAll && accepted.ok && after(period, 91 * quarter) <= now; quarter++) {
        const closing = after(period, 91 * quarter);
        if (!closable(db, accepted.plan, closing)) continue;
        must(reviewPlan(db, analyst, { planId: accepted.plan.id, version: accepted.plan.version, decision: "close", note: "" }, closing), "closing a plan");
        break;
      }
    } else if (i % 4 === 2) {
      must(
        reviewPlan(db, analyst, { planId: plan.plan.id, version: plan.plan.version, decision: "return", note: "Give each action a measurable result and a date within the quarter." }, decided),
        "returning a plan",
      );
    }
  });
  const summaryAt = after(period, 12, 5);
  if (summaryAt <= now) {
    must(
      writeCommentary(
        db,
        analyst,
        { subject: "city", entity: CITY, kpi: "", period },
        {
          analysis:
            "Most entities held or improved their share of transactions through smart channels. The entities below target have explained why; their plans are listed below with where each stands, and the office will report on the overdue ones next month.",
          recommendation: "",
          language: "en",
          basedOn: null,
        },
        summaryAt,
      ),
      "the executive summary",
    );
  }
}

/**
 * The law's deadline month (December 2018, published) with its plans all accepted and done, and the
 * month before last, whose follow-up is under way.
 */
export function seedFollowUp(db: Db, months: { published: string; recent: string | null }, now: Date): void {
  followUpMonth(db, months.published, now, { acceptAll: true });
  if (months.recent) followUpMonth(db, months.recent, now, { acceptAll: false });
}
