import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { can } from "~/auth/permissions";
import { timeliness } from "~/compliance/timeliness";
import { useFollowLinks } from "~/components/follow-links";
import { useFormat } from "~/components/format";
import { MonthPicker } from "~/components/month-picker";
import { isLocked, submissionStates, submissionsOf } from "~/models/entry.server";
import { listEntities } from "~/models/kpis.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { pageTitle } from "~/utils/meta";
import { addMonths, dueMoment, periodOf } from "~/figures/month";
import { periodFromRequest } from "~/utils/period-param.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "figures.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const now = new Date();
  const dueDay = env().FIGURES_DUE_DAY;
  if (user.role === "focal-point" && user.entityCode) {
    // A focal point's own round: the twelve months to the current one, newest first.
    const entity = listEntities(db()).find((e) => e.code === user.entityCode)!;
    const current = periodOf(now);
    const months = Array.from({ length: 12 }, (_, i) => addMonths(current, -i)).map((period) => {
      const submissions = submissionsOf(db(), entity.code, period);
      const count = (status: string) => submissions.filter((s) => s.status === status).length;
      return {
        period,
        due: dueMoment(period, dueDay),
        locked: isLocked(db(), period),
        expected: submissions.length,
        draft: count("draft"),
        submitted: count("submitted"),
        returned: count("returned"),
        approved: count("approved"),
        timeliness: timeliness(submissions, period, dueDay, now.toISOString()),
      };
    });
    return { kind: "focal" as const, entity, months, current, dueDay };
  }
  if (!can(user, "city:read")) throw new Response("Forbidden", { status: 403 });
  const { period, first, last, current } = periodFromRequest(request, db());
  return {
    kind: "office" as const,
    period,
    first,
    last: last > current ? last : current,
    dueDay,
    states: submissionStates(db(), period, dueDay, now),
  };
}

function Counts({ row }: { row: { draft: number; submitted: number; returned: number; approved: number } }) {
  const f = useFormat();
  return (
    <>
      <td className="number">{f.number(row.draft)}</td>
      <td className="number">{f.number(row.submitted)}</td>
      <td className="number">{f.number(row.returned)}</td>
      <td className="number">{f.number(row.approved)}</td>
    </>
  );
}

export default function FiguresIndex() {
  const data = useLoaderData<typeof loader>();
  const f = useFormat();
  // Its tables' links, one a row and up to hundreds, are followed by one listener (decision 27).
  const follow = useFollowLinks();
  const { t } = f;
  const head = (
    <>
      <th scope="col">{t("figures.col.draft")}</th>
      <th scope="col">{t("figures.col.submitted")}</th>
      <th scope="col">{t("figures.col.returned")}</th>
      <th scope="col">{t("figures.col.approved")}</th>
      <th scope="col">{t("figures.col.timeliness")}</th>
    </>
  );

  if (data.kind === "focal") {
    return (
      <>
        <h1>
          {t("figures.title")}: {f.name(data.entity)}
        </h1>
        <p className="lead">{t("figures.introFocal", { day: data.dueDay })}</p>
        <Form method="get" action="/figures/open" className="filters">
          <label htmlFor="open-period">{t("figures.col.month")}</label>
          <input id="open-period" name="period" type="month" max={data.current} required />
          <button type="submit">{t("figures.open")}</button>
        </Form>
        <div className="table-scroll">
          <table className="data-table" onClick={follow}>
            <caption className="visually-hidden">{t("figures.monthsCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("figures.col.month")}</th>
                <th scope="col">{t("figures.col.due")}</th>
                {head}
              </tr>
            </thead>
            <tbody>
              {data.months.map((m) => (
                <tr key={m.period}>
                  <th scope="row">
                    <a href={`/figures/${data.entity.code}/${m.period}`}>{f.period(m.period)}</a>
                  </th>
                  <td>{f.dateTime(m.due)}</td>
                  <Counts row={m} />
                  <td>
                    <span className={`timeliness timeliness-${m.timeliness}`}>{t(`timeliness.${m.timeliness}`)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </>
    );
  }

  return (
    <>
      <div className="page-head">
        <div>
          <h1>{t("figures.title")}</h1>
          <p className="lead">{t("figures.introOffice", { month: f.period(data.period), day: data.dueDay })}</p>
        </div>
        <MonthPicker period={data.period} first={data.first} last={data.last} />
      </div>
      <div className="table-scroll">
        <table className="data-table" onClick={follow}>
          <caption className="visually-hidden">{t("figures.statesCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("col.entity")}</th>
              <th scope="col">{t("figures.col.expected")}</th>
              {head}
            </tr>
          </thead>
          <tbody>
            {data.states.map((e) => (
              <tr key={e.code}>
                <th scope="row">
                  <a href={`/figures/${e.code}/${data.period}`}>{f.name(e)}</a>
                </th>
                <td className="number">{f.number(e.expected)}</td>
                <Counts row={e} />
                <td>
                  <span className={`timeliness timeliness-${e.timeliness}`}>{t(`timeliness.${e.timeliness}`)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
