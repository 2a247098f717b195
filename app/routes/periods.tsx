import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { readForm, refuse, refusePeriod } from "~/utils/http.server";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireCsrf } from "~/auth/csrf.server";
import { requirePermission } from "~/auth/guard.server";
import { CsrfInput } from "~/components/csrf-input";
import { useFormat } from "~/components/format";
import { TableScroll } from "~/components/table-scroll";
import { PERIOD_PATTERN } from "~/definitions/schema";
import type { MessageId } from "~/i18n/messages";
import { lockedPeriods, lockPeriod, periodEvents, reopenPeriod, submissionStates } from "~/models/entry.server";
import { env } from "~/utils/env.server";
import { db } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { parsePeriod, viewBounds } from "~/figures/month";
import { hasControlCharacters } from "~/figures/rules";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "periods.title");

export async function loader({ request }: LoaderFunctionArgs) {
  requirePermission(request, "periods:lock");
  // ?period=YYYY-MM: the month about to be locked, with what is not yet approved in it.
  const text = new URL(request.url).searchParams.get("period");
  let check: { period: string; behind: ReturnType<typeof lockChecklist> } | null = null;
  if (text) {
    const parsed = parsePeriod(text, viewBounds(new Date()));
    if (!parsed.ok) refusePeriod(parsed);
    check = { period: parsed.period, behind: lockChecklist(parsed.period) };
  }
  return { locked: lockedPeriods(db()), events: periodEvents(db()), check };
}

/** The entities whose figures for `period` are not all approved, with where each stands. */
function lockChecklist(period: string) {
  return submissionStates(db(), period, env().FIGURES_DUE_DAY, new Date())
    .filter((e) => e.expected > 0 && e.approved < e.expected)
    .map(({ code, nameEn, nameAr, expected, draft, submitted, returned, approved }) => ({
      code,
      nameEn,
      nameAr,
      expected,
      draft,
      submitted,
      returned,
      approved,
      missing: expected - draft - submitted - returned - approved,
    }));
}

type Result = {
  message?: MessageId;
  error?: MessageId;
  period?: string;
  reason?: string;
  behind?: ReturnType<typeof lockChecklist>;
};

/** Locking a month (confirmed when figures are not all approved) or reopening it with a reason. */
const periodsForm = z.object({
  intent: z.enum(["lock", "reopen"]),
  period: z.string().max(16),
  reason: z.string().max(20_000).default(""),
  confirm: z.literal("yes").optional(),
});

export async function action({ request }: ActionFunctionArgs) {
  const user = requirePermission(request, "periods:lock");
  const form = await readForm(request);
  requireCsrf(request, form);
  const submission = parseWithZod(form, { schema: periodsForm, disableAutoCoercion: true });
  if (submission.status !== "success") refuse(400, "error.form.type");
  const { period, confirm } = submission.value;
  const reason = submission.value.reason.trim();
  if (!parsePeriod(period, viewBounds(new Date())).ok) return data<Result>({ error: "problem.bad-period", period, reason }, { status: 400 });
  if (hasControlCharacters(reason)) return data<Result>({ error: "problem.control-characters", period, reason }, { status: 400 });
  if (submission.value.intent === "reopen") {
    if (!reason) return data<Result>({ error: "periods.reasonRequired", period }, { status: 400 });
    const done = reopenPeriod(db(), period, reason.slice(0, 2000), user.email, new Date());
    return data<Result>({ message: done ? "periods.reopened" : "periods.notLocked", period }, { status: done ? 200 : 409 });
  }
  // What is not yet approved is shown before the lock; locking over it needs a confirmation.
  const behind = lockChecklist(period);
  if (behind.length > 0 && confirm !== "yes") {
    return data<Result>({ error: "periods.confirmRequired", period, behind }, { status: 409 });
  }
  const done = lockPeriod(db(), period, user.email, new Date());
  return data<Result>({ message: done ? "periods.locked" : "periods.alreadyLocked", period }, { status: done ? 200 : 409 });
}

function Checklist({ period, behind }: { period: string; behind: ReturnType<typeof lockChecklist> }) {
  const f = useFormat();
  const { t } = f;
  if (behind.length === 0) return <p className="notice">{t("periods.checkClear", { month: f.period(period) })}</p>;
  return (
    <div className="lock-checklist">
      <p>{t("periods.checkBehind", { month: f.period(period), n: f.number(behind.length) })}</p>
      <TableScroll labelledBy="periods-check-caption">
        <table className="data-table">
          <caption id="periods-check-caption" className="visually-hidden">{t("periods.checkCaption", { month: f.period(period) })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("col.entity")}</th>
              <th scope="col">{t("figures.col.approved")}</th>
              <th scope="col">{t("figures.col.submitted")}</th>
              <th scope="col">{t("figures.col.returned")}</th>
              <th scope="col">{t("figures.col.draft")}</th>
              <th scope="col">{t("round.count.missing")}</th>
            </tr>
          </thead>
          <tbody>
            {behind.map((e) => (
              <tr key={e.code}>
                <th scope="row">{f.name(e)}</th>
                <td className="number">{t("round.ofEntities", { n: f.number(e.approved), of: f.number(e.expected) })}</td>
                <td className="number">{f.number(e.submitted)}</td>
                <td className="number">{f.number(e.returned)}</td>
                <td className="number">{f.number(e.draft)}</td>
                <td className="number">{f.number(e.missing)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </div>
  );
}

export default function Periods() {
  const { locked, events, check } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const f = useFormat();
  const { t } = f;
  const month = (p: string) => (PERIOD_PATTERN.test(p) ? f.period(p) : p);
  return (
    <>
      <h1>{t("periods.title")}</h1>
      <p className="lead">{t("periods.intro")}</p>
      {result?.message ? <p className="notice" role="status">{t(result.message, { month: month(result.period ?? "") })}</p> : null}
      {result?.error ? <p className="form-error" role="alert">{t(result.error, { period: result.period ?? "", month: month(result.period ?? "") })}</p> : null}
      <div className="strategy-grid">
        <div className="stacked-form card">
          <h2>{t("periods.lock")}</h2>
          {/* First the month and what is not yet approved in it, then the lock. */}
          <Form method="get" className="stacked-form">
            <label htmlFor="lock-period">{t("periods.month")}</label>
            <input id="lock-period" name="period" type="month" required defaultValue={check?.period ?? ""} />
            <button type="submit" className="secondary">
              {t("periods.check")}
            </button>
          </Form>
          {check && !locked.includes(check.period) ? (
            <Form method="post" className="stacked-form">
              <CsrfInput />
              <input type="hidden" name="intent" value="lock" />
              <input type="hidden" name="period" value={check.period} />
              <Checklist period={check.period} behind={result?.behind ?? check.behind} />
              {(result?.behind ?? check.behind).length > 0 ? (
                <label className="checkbox">
                  <input type="checkbox" name="confirm" value="yes" required />{" "}
                  {t("periods.confirm", { n: f.number((result?.behind ?? check.behind).length) })}
                </label>
              ) : null}
              <button type="submit">{t("periods.lockMonth", { month: f.period(check.period) })}</button>
            </Form>
          ) : null}
        </div>
        <Form method="post" className="stacked-form card">
          <h2>{t("periods.reopen")}</h2>
          <CsrfInput />
          <input type="hidden" name="intent" value="reopen" />
          <label htmlFor="reopen-period">{t("periods.month")}</label>
          <select id="reopen-period" name="period" required defaultValue={result?.period ?? ""}>
            {locked.map((p) => (
              <option key={p} value={p}>
                {month(p)}
              </option>
            ))}
          </select>
          <label htmlFor="reason">{t("periods.reason")}</label>
          <textarea id="reason" name="reason" rows={2} required defaultValue={result?.reason ?? ""} />
          <button type="submit" disabled={locked.length === 0}>
            {t("periods.reopen")}
          </button>
        </Form>
      </div>
      <h2>{t("periods.lockedList")}</h2>
      {locked.length === 0 ? <p className="empty-state">{t("periods.noneLocked")}</p> : <p>{f.list(locked.map(month))}</p>}
      <h2>{t("periods.events")}</h2>
      <TableScroll labelledBy="periods-events-caption">
        <table className="data-table">
          <caption id="periods-events-caption" className="visually-hidden">{t("periods.eventsCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("admin.col.at")}</th>
              <th scope="col">{t("periods.month")}</th>
              <th scope="col">{t("admin.col.event")}</th>
              <th scope="col">{t("periods.reason")}</th>
              <th scope="col">{t("admin.col.actor")}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td>{f.dateTime(e.at)}</td>
                <td>{month(e.period)}</td>
                <td>{t(`periods.action.${e.action}`)}</td>
                <td>{e.reason ?? t("value.none")}</td>
                <td dir="ltr">{e.actor}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}
