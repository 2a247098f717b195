// An entity's month followed up: its summary of the month, an analysis and recommendation for each
// KPI (written by its focal points, reviewed by the office's analysts), and the corrective action
// plans owed for the KPIs off track. Executives read what was approved.
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireCsrf } from "~/auth/csrf.server";
import { requirePermission } from "~/auth/guard.server";
import { can } from "~/auth/permissions";
import { Commentary, toCommentaryView, type CommentaryView } from "~/components/commentary";
import { CsrfInput } from "~/components/csrf-input";
import { useFormat } from "~/components/format";
import { PlanStanding } from "~/components/plan-state";
import { StatusBadge } from "~/components/status";
import { missedDue } from "~/compliance/missed";
import type { Status } from "~/compliance/types";
import { parsePeriod, viewBounds } from "~/figures/month";
import { LOCALES } from "~/i18n/locale";
import type { MessageId } from "~/i18n/messages";
import { CITY, COMMENTARY_MAX } from "~/follow-up/limits";
import {
  commentaryOf,
  keyOf,
  reviewCommentary,
  seesDrafts,
  shownTo,
  writeCommentary,
} from "~/models/commentary.server";
import { followUpsFor, needsPlan } from "~/models/plans.server";
import { entityScorecardFor } from "~/models/scorecards.server";
import { db } from "~/utils/db.server";
import { env, planSettings } from "~/utils/env.server";
import { readForm, refuse, refusePeriod } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "followUp.title");

function month(params: { period?: string }) {
  const parsed = parsePeriod(params.period ?? "", viewBounds(new Date()));
  if (!parsed.ok) refusePeriod(parsed);
  return parsed.period;
}

/** The city's month: the executive summary alone, written by analysts, read by everyone. */
function cityLoader(request: Request, period: string) {
  const user = requirePermission(request, "city:read");
  const notes = commentaryOf(db(), period, [CITY]);
  const found = notes.get(keyOf({ subject: "city", entityCode: CITY, kpiCode: "" }));
  return {
    city: true as const,
    entity: { code: CITY, nameEn: "", nameAr: "" },
    period,
    // Approved as written: every reader sees the newest version.
    summary: toCommentaryView(found?.current ?? null, found?.versions ?? 0),
    kpis: [],
    canWrite: can(user, "summary:write"),
    canReview: false,
    canPlan: false,
  };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const entity = params.entity ?? "";
  if (entity === CITY) return cityLoader(request, month(params));
  // Asked first: a focal point learns nothing of another entity, not even that it exists.
  const user = requirePermission(request, "entity:read", entity);
  const period = month(params);
  const now = new Date();
  const scorecard = entityScorecardFor(db(), entity, period, { dueDay: env().FIGURES_DUE_DAY, now });
  if (!scorecard) throw new Response("Entity not found", { status: 404 });
  const drafts = seesDrafts(user, entity);
  const notes = commentaryOf(db(), period, [entity]);
  const view = (key: string) => {
    const found = notes.get(key);
    return toCommentaryView(shownTo(found, drafts), found?.versions ?? 0);
  };
  const followUps = new Map(followUpsFor(db(), period, planSettings(env()), now, entity).map((f) => [f.kpi, f]));
  const kpis = scorecard.rows
    .map(({ kpi, row }) => {
      const followUp = followUps.get(kpi.code);
      return {
        code: kpi.code,
        nameEn: kpi.nameEn,
        nameAr: kpi.nameAr,
        status: row.status as Status,
        missed: missedDue(row),
        needsPlan: needsPlan(row),
        dueAt: followUp?.dueAt ?? null,
        overdue: followUp?.overdue ?? false,
        plan: followUp?.plan ? { id: followUp.plan.id, state: followUp.plan.state } : null,
        commentary: view(keyOf({ subject: "kpi", entityCode: entity, kpiCode: kpi.code })),
      };
    })
    // The KPIs that owe a plan first: they are what the month's follow-up is about.
    .sort((a, b) => Number(b.needsPlan) - Number(a.needsPlan));
  return {
    city: false as const,
    entity: { code: entity, nameEn: scorecard.entity.nameEn, nameAr: scorecard.entity.nameAr },
    period,
    summary: view(keyOf({ subject: "entity", entityCode: entity, kpiCode: "" })),
    kpis,
    canWrite: can(user, "commentary:write", entity),
    canReview: can(user, "commentary:review"),
    canPlan: can(user, "plans:write", entity),
  };
}

const text = (max: number) => z.string().max(max, { error: "followUp.error.tooLong" }).default("");

const commentForm = z.object({
  intent: z.literal("comment"),
  subject: z.enum(["kpi", "entity", "city"]),
  kpi: z.string().max(64).default(""),
  analysis: text(COMMENTARY_MAX),
  recommendation: text(COMMENTARY_MAX),
  language: z.enum(LOCALES),
  basedOn: z.string().regex(/^\d{0,12}$/).default(""),
});

const reviewForm = z.object({
  intent: z.literal("review"),
  id: z.string().regex(/^\d{1,12}$/),
  decision: z.enum(["approve", "return"]),
  note: text(COMMENTARY_MAX),
});

const postForm = z.discriminatedUnion("intent", [commentForm, reviewForm]);

type FollowUpError = Extract<MessageId, `followUp.error.${string}`>;
interface ActionData {
  /** Which form answered: "entity", a KPI code, or "review:<id>". */
  form: string;
  error: FollowUpError | null;
  saved: boolean;
  values?: { analysis: string; recommendation: string; note: string };
}

const REASONS: Record<string, FollowUpError> = {
  forbidden: "followUp.error.forbidden",
  stale: "followUp.error.stale",
  empty: "followUp.error.empty",
};

export async function action({ request, params }: ActionFunctionArgs) {
  const entity = params.entity ?? "";
  const user = entity === CITY ? requirePermission(request, "city:read") : requirePermission(request, "entity:read", entity);
  const period = month(params);
  const form = await readForm(request);
  requireCsrf(request, form);
  const submission = parseWithZod(form, { schema: postForm, disableAutoCoercion: true });
  const typed = {
    analysis: String(form.get("analysis") ?? "").slice(0, COMMENTARY_MAX + 100),
    recommendation: String(form.get("recommendation") ?? "").slice(0, COMMENTARY_MAX + 100),
    note: String(form.get("note") ?? "").slice(0, COMMENTARY_MAX + 100),
  };
  const formOf = () =>
    form.get("intent") === "review" ? `review:${String(form.get("id") ?? "").slice(0, 12)}` : form.get("subject") === "kpi" ? String(form.get("kpi") ?? "").slice(0, 64) : "entity";
  if (submission.status !== "success") {
    const tooLong = Object.values(submission.error ?? {}).some((m) => m?.includes("followUp.error.tooLong"));
    return data<ActionData>({ form: formOf(), error: tooLong ? "followUp.error.tooLong" : "followUp.error.form", saved: false, values: typed }, { status: 400 });
  }
  const post = submission.value;
  const now = new Date();
  if (post.intent === "comment") {
    // A KPI the entity does not report is not a subject here.
    if (post.subject === "kpi" && entity !== CITY && !entityScorecardFor(db(), entity, period, { dueDay: env().FIGURES_DUE_DAY, now })?.rows.some((r) => r.kpi.code === post.kpi)) {
      refuse(400, "followUp.error.kpi");
    }
    const outcome = writeCommentary(
      db(),
      user,
      // The subject follows the address: the city's page writes the executive summary only.
      { subject: entity === CITY ? "city" : post.subject === "city" ? "entity" : post.subject, entity, kpi: post.subject === "kpi" && entity !== CITY ? post.kpi : "", period },
      { analysis: post.analysis, recommendation: post.recommendation, language: post.language, basedOn: post.basedOn === "" ? null : Number(post.basedOn) },
      now,
    );
    if (outcome.ok) return data<ActionData>({ form: formOf(), error: null, saved: true });
    if (outcome.reason === "forbidden") throw new Response("Forbidden", { status: 403 });
    return data<ActionData>({ form: formOf(), error: REASONS[outcome.reason], saved: false, values: typed }, { status: outcome.reason === "stale" ? 409 : 400 });
  }
  const outcome = reviewCommentary(db(), user, Number(post.id), post.decision, post.note, now, { entity, period });
  if (outcome.ok) return data<ActionData>({ form: formOf(), error: null, saved: true });
  if (outcome.reason === "forbidden") throw new Response("Forbidden", { status: 403 });
  return data<ActionData>(
    { form: formOf(), error: outcome.reason === "empty" ? "followUp.error.returnNote" : REASONS[outcome.reason], saved: false, values: typed },
    { status: outcome.reason === "stale" ? 409 : 400 },
  );
}

function CommentForm({
  subject,
  kpi,
  current,
  result,
}: {
  subject: "kpi" | "entity" | "city";
  kpi: string;
  current: CommentaryView | null;
  result: ActionData | undefined;
}) {
  const f = useFormat();
  const { t } = f;
  const navigation = useNavigation();
  const mine = result && result.form === (subject === "kpi" ? kpi : "entity") ? result : undefined;
  const id = `${subject}-${kpi || "summary"}`;
  const values = mine && !mine.saved ? mine.values : undefined;
  return (
    <Form method="post" className="stacked-form commentary-form" key={`${current?.id ?? 0}-${mine?.saved ? "saved" : ""}`}>
      <CsrfInput />
      <input type="hidden" name="intent" value="comment" />
      <input type="hidden" name="subject" value={subject} />
      <input type="hidden" name="kpi" value={kpi} />
      <input type="hidden" name="language" value={f.locale} />
      <input type="hidden" name="basedOn" value={current?.id ?? ""} />
      {mine?.error ? (
        <p className="form-error" role="alert">
          {t(mine.error)}
        </p>
      ) : null}
      {mine?.saved ? (
        <p className="notice" role="status">
          {t(subject === "city" ? "followUp.summarySaved" : "followUp.saved")}
        </p>
      ) : null}
      <label htmlFor={`${id}-analysis`}>{t(subject === "kpi" ? "followUp.analysis" : subject === "city" ? "followUp.citySummary" : "followUp.summary")}</label>
      <textarea dir="auto"
        id={`${id}-analysis`}
        name="analysis"
        rows={3}
        maxLength={COMMENTARY_MAX}
        defaultValue={values?.analysis ?? current?.analysis ?? ""}
        aria-invalid={mine?.error === "followUp.error.empty" ? true : undefined}
      />
      {subject === "kpi" ? (
        <>
          <label htmlFor={`${id}-recommendation`}>{t("followUp.recommendation")}</label>
          <textarea dir="auto"
            id={`${id}-recommendation`}
            name="recommendation"
            rows={2}
            maxLength={COMMENTARY_MAX}
            defaultValue={values?.recommendation ?? current?.recommendation ?? ""}
          />
        </>
      ) : null}
      <button type="submit" disabled={navigation.state === "submitting"}>
        {t(subject === "city" ? "followUp.publishSummary" : "followUp.send")}
      </button>
    </Form>
  );
}

function ReviewForm({ item, result }: { item: CommentaryView; result: ActionData | undefined }) {
  const { t } = useFormat();
  const mine = result?.form === `review:${item.id}` ? result : undefined;
  return (
    <Form method="post" className="inline-form review-form">
      <CsrfInput />
      <input type="hidden" name="intent" value="review" />
      <input type="hidden" name="id" value={item.id} />
      {mine?.error ? (
        <p className="form-error" role="alert">
          {t(mine.error)}
        </p>
      ) : null}
      <label htmlFor={`note-${item.id}`}>{t("followUp.reviewNote")}</label>
      <input dir="auto" id={`note-${item.id}`} name="note" maxLength={COMMENTARY_MAX} defaultValue={mine?.values?.note ?? ""} />
      <button type="submit" name="decision" value="approve">
        {t("followUp.approve")}
      </button>
      <button type="submit" name="decision" value="return">
        {t("followUp.return")}
      </button>
    </Form>
  );
}

export default function FollowUp() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const f = useFormat();
  const { t } = f;
  const entity = f.name(page.entity);
  const monthName = f.period(page.period);
  const labels = { analysis: t("followUp.analysisLabel"), recommendation: t("followUp.recommendationLabel") };
  const owed = page.kpis.filter((k) => k.needsPlan);
  if (page.city) {
    return (
      <>
        <p className="breadcrumb">
          <Link to={`/?period=${page.period}`}>{t("nav.overview")}</Link>
        </p>
        <h1>{t("followUp.cityHeading", { month: monthName })}</h1>
        <p className="lead">{t("followUp.cityIntro")}</p>
        {page.summary ? <Commentary item={page.summary} /> : <p className="empty-state">{t("followUp.noCitySummary", { month: monthName })}</p>}
        {page.canWrite ? <CommentForm subject="city" kpi="" current={page.summary} result={result} /> : null}
      </>
    );
  }
  return (
    <>
      <p className="breadcrumb">
        <Link to={`/entities/${page.entity.code}?period=${page.period}`}>{t("followUp.back", { entity })}</Link>
      </p>
      <h1>{t("followUp.heading", { entity, month: monthName })}</h1>
      <p className="lead">{t("followUp.intro")}</p>

      <section aria-labelledby="summary-title">
        <h2 id="summary-title">{t("followUp.summaryTitle")}</h2>
        {page.summary ? <Commentary item={page.summary} /> : <p className="empty-state">{t("followUp.noSummary")}</p>}
        {page.canReview && page.summary?.state === "submitted" ? <ReviewForm item={page.summary} result={result} /> : null}
        {page.canWrite ? <CommentForm subject="entity" kpi="" current={page.summary} result={result} /> : null}
      </section>

      <section aria-labelledby="plans-title">
        <h2 id="plans-title">{t("followUp.plansTitle")}</h2>
        {owed.length === 0 ? (
          <p className="empty-state">{t("followUp.noPlansOwed", { month: monthName })}</p>
        ) : (
          <p>{t("followUp.plansOwed", { count: owed.length, date: f.dateTime(owed[0].dueAt!) })}</p>
        )}
      </section>

      <section aria-labelledby="kpis-title">
        <h2 id="kpis-title">{t("followUp.kpisTitle")}</h2>
        {page.kpis.map((kpi) => (
          <article key={kpi.code} className="followup-kpi" data-kpi={kpi.code}>
            <h3>
              <Link to={`/kpis/${kpi.code}?period=${page.period}`}>{f.name(kpi)}</Link> <StatusBadge status={kpi.status} missed={kpi.missed} />
            </h3>
            {kpi.needsPlan ? (
              <p className="followup-plan">
                <PlanStanding planId={kpi.plan?.id ?? null} state={kpi.plan?.state ?? null} overdue={kpi.overdue} dueAt={kpi.dueAt!} exact />{" "}
                {page.canPlan && !kpi.plan ? (
                  <Link className="button-link" to={`/plans/new?entity=${page.entity.code}&kpi=${kpi.code}&period=${page.period}`}>
                    {t("plan.write")}
                  </Link>
                ) : null}
              </p>
            ) : null}
            {kpi.commentary ? <Commentary item={kpi.commentary} labels={labels} /> : null}
            {page.canReview && kpi.commentary?.state === "submitted" ? <ReviewForm item={kpi.commentary} result={result} /> : null}
            {page.canWrite ? (
              <details open={result?.form === kpi.code || undefined}>
                <summary>{t(kpi.commentary ? "followUp.edit" : "followUp.write")}</summary>
                <CommentForm subject="kpi" kpi={kpi.code} current={kpi.commentary} result={result} />
              </details>
            ) : null}
          </article>
        ))}
      </section>
    </>
  );
}
