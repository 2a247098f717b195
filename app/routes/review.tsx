import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { readForm } from "~/utils/http.server";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireCsrf } from "~/auth/csrf.server";
import { requirePermission } from "~/auth/guard.server";
import { CsrfInput } from "~/components/csrf-input";
import { useFormat } from "~/components/format";
import type { MessageId } from "~/i18n/messages";
import { figuresOf, reviewFigure, reviewQueue } from "~/models/entry.server";
import { namesEverDefined } from "~/models/kpis.server";
import { db } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { addMonths } from "~/figures/month";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "review.title");

export async function loader({ request }: LoaderFunctionArgs) {
  requirePermission(request, "figures:review");
  // Retired KPIs and entities included: a figure submitted before a `kpi sync` retired its KPI
  // still waits here, and must be named, not crash the page.
  const names = namesEverDefined(db());
  const queue = reviewQueue(db()).map((f) => {
    const previous = figuresOf(db(), f.entityCode, [addMonths(f.period, -1)]).find((p) => p.kpiCode === f.kpiCode);
    const kpi = names.kpis.get(f.kpiCode) ?? { code: f.kpiCode, nameEn: f.kpiCode, nameAr: f.kpiCode, unit: "count" as const, retired: true };
    const entity = names.entities.get(f.entityCode) ?? { code: f.entityCode, nameEn: f.entityCode, nameAr: f.entityCode, retired: true };
    return { figure: f, previous: previous?.value ?? null, kpi, entity };
  });
  return { queue };
}

type Result = { done?: "review.approved" | "review.returned"; error?: MessageId; figureId?: number; comment?: string };

export async function action({ request }: ActionFunctionArgs) {
  const user = requirePermission(request, "figures:review");
  const form = await readForm(request);
  requireCsrf(request, form);
  const figureId = Number(form.get("figureId"));
  const decision = form.get("intent") === "return" ? "return" : "approve";
  const comment = String(form.get("comment") ?? "");
  if (!Number.isInteger(figureId)) throw new Response("Unknown figure", { status: 400 });
  const result = reviewFigure(db(), { figureId, decision, comment, actor: user.email, now: new Date() });
  if (!result.ok) {
    const status = result.error === "not-found" ? 404 : result.error === "locked" ? 423 : result.error === "not-submitted" ? 409 : 400;
    return data<Result>({ error: `review.error.${result.error}`, figureId, comment }, { status });
  }
  return data<Result>({ done: decision === "approve" ? "review.approved" : "review.returned", figureId });
}

export default function Review() {
  const { queue } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const f = useFormat();
  const { t } = f;
  return (
    <>
      <h1>{t("review.title")}</h1>
      <p className="lead">{t("review.intro")}</p>
      {result?.done ? <p className="notice" role="status">{t(result.done)}</p> : null}
      {queue.length === 0 ? (
        <p className="empty-state">{t("review.empty")}</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">{t("review.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("col.entity")}</th>
                <th scope="col">{t("col.kpi")}</th>
                <th scope="col">{t("figures.col.month")}</th>
                <th scope="col">{t("col.actual")}</th>
                <th scope="col">{t("review.lastMonth")}</th>
                <th scope="col">{t("entry.comment")}</th>
                <th scope="col">{t("review.submitted")}</th>
                <th scope="col">{t("col.status")}</th>
              </tr>
            </thead>
            <tbody>
              {queue.map(({ figure, previous, kpi, entity }) => (
                <tr key={figure.id} data-figure={figure.id}>
                  <th scope="row">{f.name(entity)}</th>
                  <td>
                    <Link to={`/history/${figure.id}`}>{f.name(kpi)}</Link>
                  </td>
                  <td>{f.period(figure.period)}</td>
                  <td className="number">
                    {f.value(kpi.unit, figure.value)}
                    {figure.numerator !== null && figure.denominator !== null ? (
                      <span className="muted">
                        {" "}
                        ({f.number(figure.numerator)} ÷ {f.number(figure.denominator)})
                      </span>
                    ) : null}
                  </td>
                  <td className="number">{f.value(kpi.unit, previous)}</td>
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
      )}
    </>
  );
}
