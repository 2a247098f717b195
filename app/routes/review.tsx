import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { readForm, refuse, refusePeriod } from "~/utils/http.server";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireCsrf } from "~/auth/csrf.server";
import { requirePermission } from "~/auth/guard.server";
import { CsrfInput } from "~/components/csrf-input";
import { useFormat } from "~/components/format";
import type { MessageId } from "~/i18n/messages";
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { approveMonth, figuresOf, reviewFigure, reviewQueue } from "~/models/entry.server";
import { listEntities, namesEverDefined } from "~/models/kpis.server";
import { db } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { computeReport } from "~/compliance/engine";
import type { Status } from "~/compliance/types";
import { StatusBadge } from "~/components/status";
import { addMonths, parsePeriod, viewBounds } from "~/figures/month";
import { engineKpis } from "~/models/report.server";
import { env } from "~/utils/env.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "review.title");

export async function loader({ request }: LoaderFunctionArgs) {
  requirePermission(request, "figures:review");
  const filters = reviewFilters(request);
  // Retired KPIs and entities included: a figure submitted before a `kpi sync` retired its KPI
  // still waits here, and must be named, not crash the page.
  const names = namesEverDefined(db());
  const jumpShare = env().FIGURE_JUMP_SHARE;
  const waiting = reviewQueue(db()).filter(
    (f) =>
      (!filters.entity || f.entityCode === filters.entity) &&
      (!filters.period || f.period === filters.period) &&
      (!filters.kpi || f.kpiCode === filters.kpi),
  );
  const statusOf = statusesIfApproved(waiting);
  const rows = waiting
    .map((f) => {
      const previous = figuresOf(db(), f.entityCode, [addMonths(f.period, -1)]).find((p) => p.kpiCode === f.kpiCode)?.value ?? null;
      const kpi = names.kpis.get(f.kpiCode) ?? { code: f.kpiCode, nameEn: f.kpiCode, nameAr: f.kpiCode, unit: "count" as const, retired: true };
      const entity = names.entities.get(f.entityCode) ?? { code: f.entityCode, nameEn: f.entityCode, nameAr: f.entityCode, retired: true };
      // A change on last month larger than the entry form lets through without a comment.
      const change = previous !== null && previous !== 0 ? (f.value - previous) / Math.abs(previous) : null;
      return {
        figure: f,
        previous,
        kpi,
        entity,
        jump: change !== null && Math.abs(change) > jumpShare ? change : null,
        status: statusOf.get(f.id) ?? null,
      };
    });
  // One group per entity and month, in the queue's order (the oldest submission first).
  const groups = new Map<string, { entity: (typeof rows)[number]["entity"]; period: string; rows: typeof rows }>();
  for (const row of rows) {
    const key = `${row.figure.entityCode}|${row.figure.period}`;
    const group = groups.get(key) ?? { entity: row.entity, period: row.figure.period, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  const queue = reviewQueue(db());
  const entities = [...new Map(queue.map((f) => [f.entityCode, names.entities.get(f.entityCode)])).entries()]
    .map(([code, e]) => ({ code, nameEn: e?.nameEn ?? code, nameAr: e?.nameAr ?? code }));
  const kpis = [...new Map(queue.map((f) => [f.kpiCode, names.kpis.get(f.kpiCode)])).entries()]
    .map(([code, k]) => ({ code, nameEn: k?.nameEn ?? code, nameAr: k?.nameAr ?? code }));
  return { groups: [...groups.values()], filters, entities, kpis };
}

/**
 * The status each waiting figure would have once approved, from the compliance engine: what an
 * analyst should look at twice (off track, at risk) before approving a month in one action.
 */
function statusesIfApproved(figures: ReturnType<typeof reviewQueue>): Map<number, Status> {
  const out = new Map<number, Status>();
  const engine = new Map(engineKpis(db()).map((k) => [k.code, k]));
  const months = new Map<string, typeof figures>();
  for (const f of figures) months.set(f.period, [...(months.get(f.period) ?? []), f]);
  for (const [period, inMonth] of months) {
    const kpis = [...new Set(inMonth.map((f) => f.kpiCode))].flatMap((code) => engine.get(code) ?? []);
    const entities = [...new Set(inMonth.map((f) => f.entityCode))];
    const report = computeReport(
      {
        period,
        entities,
        kpis: kpis.map((k) => ({ ...k, reporters: k.reporters.filter((e) => entities.includes(e)) })),
        figures: inMonth.map((f) => ({ entity: f.entityCode, kpi: f.kpiCode, period, value: f.value, numerator: f.numerator, denominator: f.denominator })),
      },
      { trends: false },
    );
    const byKey = new Map(report.rows.filter((r) => r.entity !== null).map((r) => [`${r.entity}|${r.kpi}`, r.status]));
    for (const f of inMonth) {
      const status = byKey.get(`${f.entityCode}|${f.kpiCode}`);
      if (status) out.set(f.id, status);
    }
  }
  return out;
}

/** ?entity=CODE&period=YYYY-MM, each optional; anything else is a 400, not a guess. */
function reviewFilters(request: Request) {
  const params = new URL(request.url).searchParams;
  const entity = params.get("entity") || null;
  const kpi = params.get("kpi") || null;
  if (kpi !== null && !engineKpis(db()).some((k) => k.code === kpi)) refuse(400, "review.error.kpi");
  if (entity !== null && !listEntities(db()).some((e) => e.code === entity)) refuse(400, "review.error.entity");
  const text = params.get("period") || null;
  let period: string | null = null;
  if (text !== null) {
    const parsed = parsePeriod(text, viewBounds(new Date()));
    if (!parsed.ok) refusePeriod(parsed);
    period = parsed.period;
  }
  return { entity, period, kpi };
}

type Result = {
  done?: "review.approved" | "review.returned" | "review.approvedMonth";
  count?: number;
  error?: MessageId;
  figureId?: number;
  comment?: string;
};

/** The review page's two forms: a figure approved or returned, or an entity's month approved. */
const reviewForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approve-month"), entity: z.string().max(64), period: z.string().max(16) }),
  z.object({
    intent: z.enum(["approve", "return"]),
    figureId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    comment: z.string().max(20_000).default(""),
  }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const user = requirePermission(request, "figures:review");
  const form = await readForm(request);
  requireCsrf(request, form);
  const submission = parseWithZod(form, { schema: reviewForm, disableAutoCoercion: true });
  if (submission.status !== "success") refuse(400, "error.form.type");
  const post = submission.value;
  if (post.intent === "approve-month") {
    const parsed = parsePeriod(post.period, viewBounds(new Date()));
    if (!parsed.ok) refusePeriod(parsed);
    if (!listEntities(db()).some((e) => e.code === post.entity)) refuse(400, "review.error.entity");
    const result = approveMonth(db(), { entity: post.entity, period: parsed.period, actor: user.email, now: new Date() });
    if (!result.ok) return data<Result>({ error: `review.error.${result.error}` }, { status: result.error === "locked" ? 423 : 409 });
    return data<Result>({ done: "review.approvedMonth", count: result.approved });
  }
  const { figureId, comment } = post;
  const decision = post.intent;
  const result = reviewFigure(db(), { figureId, decision, comment, actor: user.email, now: new Date() });
  if (!result.ok) {
    const status = result.error === "not-found" ? 404 : result.error === "locked" ? 423 : result.error === "not-submitted" ? 409 : 400;
    return data<Result>({ error: `review.error.${result.error}`, figureId, comment }, { status });
  }
  return data<Result>({ done: decision === "approve" ? "review.approved" : "review.returned", figureId });
}

export default function Review() {
  const { groups, filters, entities, kpis } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const f = useFormat();
  const { t } = f;
  return (
    <>
      <h1>{t("review.title")}</h1>
      <p className="lead">{t("review.intro")}</p>
      {result?.done ? (
        <p className="notice" role="status">
          {t(result.done, { n: f.number(result.count ?? 0) })}
        </p>
      ) : null}
      {result?.error && result.figureId === undefined ? (
        <p className="form-error" role="alert">
          {t(result.error)}
        </p>
      ) : null}
      <Form method="get" className="filters">
        <label htmlFor="review-entity">{t("col.entity")}</label>
        <select id="review-entity" name="entity" defaultValue={filters.entity ?? ""}>
          <option value="">{t("review.allEntities")}</option>
          {entities.map((e) => (
            <option key={e.code} value={e.code}>
              {f.name(e)}
            </option>
          ))}
        </select>
        <label htmlFor="review-kpi">{t("col.kpi")}</label>
        <select id="review-kpi" name="kpi" defaultValue={filters.kpi ?? ""}>
          <option value="">{t("review.allKpis")}</option>
          {kpis.map((k) => (
            <option key={k.code} value={k.code}>
              {f.name(k)}
            </option>
          ))}
        </select>
        <label htmlFor="review-period">{t("figures.col.month")}</label>
        <input id="review-period" name="period" type="month" defaultValue={filters.period ?? ""} />
        <button type="submit">{t("review.filter")}</button>
        {filters.entity || filters.period || filters.kpi ? <Link to="/review">{t("review.clear")}</Link> : null}
      </Form>
      {groups.length === 0 ? <p className="empty-state">{t("review.empty")}</p> : null}
      {groups.map((group) => {
        const jumps = group.rows.filter((r) => r.jump !== null).length;
        const offTrack = group.rows.filter((r) => r.status === "off-track").length;
        const title = t("review.group", { entity: f.name(group.entity), month: f.period(group.period) });
        const id = `review-${group.entity.code}-${group.period}`;
        return (
          <section key={id} className="review-group" aria-labelledby={id}>
            <div className="review-group-head">
              <h2 id={id}>{title}</h2>
              <p>
                {t("review.groupCount", { n: f.number(group.rows.length) })}
                {jumps > 0 ? <> · {t("review.groupJumps", { n: f.number(jumps) })}</> : null}
                {offTrack > 0 ? <> · {t("review.groupOffTrack", { n: f.number(offTrack) })}</> : null}
              </p>
              <Form method="post">
                <CsrfInput />
                <input type="hidden" name="entity" value={group.entity.code} />
                <input type="hidden" name="period" value={group.period} />
                <button type="submit" name="intent" value="approve-month">
                  {t("review.approveMonth", { n: f.number(group.rows.length) })}
                </button>
              </Form>
            </div>
            <div className="table-scroll">
              <table className="data-table">
                <caption className="visually-hidden">{title}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("col.kpi")}</th>
                    <th scope="col">{t("col.actual")}</th>
                    <th scope="col">{t("review.lastMonth")}</th>
                    <th scope="col">{t("review.ifApproved")}</th>
                    <th scope="col">{t("entry.comment")}</th>
                    <th scope="col">{t("review.submitted")}</th>
                    <th scope="col">{t("col.status")}</th>
                  </tr>
                </thead>
                <tbody>
                  {group.rows.map(({ figure, previous, kpi, jump, status }) => (
                    <tr key={figure.id} data-figure={figure.id} className={jump !== null ? "review-jump" : undefined}>
                      <th scope="row">
                        <Link to={`/history/${figure.id}`}>{f.name(kpi)}</Link>
                      </th>
                      <td className="number">
                        {f.value(kpi.unit, figure.value)}
                        {figure.numerator !== null && figure.denominator !== null ? (
                          <span className="muted">
                            {" "}
                            ({f.number(figure.numerator)} ÷ {f.number(figure.denominator)})
                          </span>
                        ) : null}
                        {jump !== null ? (
                          <>
                            <br />
                            <strong className="jump-flag">{t("review.jump", { change: f.share(jump) })}</strong>
                          </>
                        ) : null}
                      </td>
                      <td className="number">{f.value(kpi.unit, previous)}</td>
                      <td>{status ? <StatusBadge status={status} /> : t("value.none")}</td>
                      <td>{figure.comment ?? t("value.none")}</td>
                      <td>
                        {f.dateTime(figure.submittedAt ?? figure.updatedAt)}
                        <br />
                        <span className="muted" dir="ltr">
                          {figure.submittedBy}
                        </span>
                      </td>
                      <td>
                        <Form method="post" className="review-form">
                          <CsrfInput />
                          <input type="hidden" name="figureId" value={figure.id} />
                          <label htmlFor={`comment-${figure.id}`} className="visually-hidden">
                            {t("review.comment")}
                          </label>
                          <textarea
                            id={`comment-${figure.id}`}
                            name="comment"
                            rows={2}
                            placeholder={t("review.comment")}
                            defaultValue={result?.figureId === figure.id ? result.comment : ""}
                            aria-invalid={result?.figureId === figure.id && result.error ? true : undefined}
                            aria-describedby={result?.figureId === figure.id && result.error ? `review-error-${figure.id}` : undefined}
                          />
                          {result?.figureId === figure.id && result.error ? (
                            <p className="field-error" id={`review-error-${figure.id}`}>
                              {t(result.error)}
                            </p>
                          ) : null}
                          <div className="review-actions">
                            <button type="submit" name="intent" value="approve">
                              {t("review.approve")}
                            </button>
                            <button type="submit" name="intent" value="return" className="secondary">
                              {t("review.return")}
                            </button>
                          </div>
                        </Form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
    </>
  );
}
