// /round: where sign-in lands. A focal point sees what to send and by when; an analyst what waits
// for review; an administrator how far the recent months are from being locked. An executive's
// home is the city overview.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, redirect, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { can } from "~/auth/permissions";
import { useFormat } from "~/components/format";
import type { MessageId } from "~/i18n/messages";
import { listKpis } from "~/models/kpis.server";
import { focalRound, officeRound, reviewRound } from "~/models/round.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "round.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const now = new Date();
  const dueDay = env().FIGURES_DUE_DAY;
  if (user.role === "focal-point" && user.entityCode) {
    const kpiNames = Object.fromEntries(listKpis(db()).map((k) => [k.code, { nameEn: k.nameEn, nameAr: k.nameAr }]));
    return { kind: "focal" as const, entity: user.entityCode, now: now.toISOString(), kpiNames, ...focalRound(db(), user.entityCode, now, dueDay) };
  }
  if (can(user, "figures:review")) return { kind: "review" as const, ...reviewRound(db(), now, dueDay) };
  if (can(user, "periods:lock")) return { kind: "office" as const, ...officeRound(db(), now, dueDay) };
  throw redirect("/");
}

/** "3 days", "5 hours", "40 minutes": the largest whole unit of the time to a deadline. */
function useTimeLeft() {
  const { t } = useFormat();
  return (minutes: number) => {
    const span = Math.abs(minutes);
    const days = Math.floor(span / MINUTES_IN_DAY);
    if (days >= 1) return t("round.days", { n: days });
    if (span >= MINUTES_IN_HOUR) return t("round.hours", { n: Math.floor(span / MINUTES_IN_HOUR) });
    return t("round.minutes", { n: Math.max(1, span) });
  };
}

const MINUTES_IN_HOUR = 60;
const MINUTES_IN_DAY = 24 * MINUTES_IN_HOUR;

export default function Round() {
  const data = useLoaderData<typeof loader>();
  if (data.kind === "focal") return <FocalRound data={data} />;
  if (data.kind === "review") return <ReviewRound data={data} />;
  return <OfficeRound data={data} />;
}

function FocalRound({ data }: { data: Extract<ReturnType<typeof useLoaderData<typeof loader>>, { kind: "focal" }> }) {
  const f = useFormat();
  const { t } = f;
  const timeLeft = useTimeLeft();
  const c = data.current;
  const month = f.period(c.period);
  const done = c.submitted + c.approved === c.expected;
  const counts: Array<[MessageId, number]> = [
    ["round.count.missing", c.missing],
    ["round.count.draft", c.draft],
    ["round.count.returned", c.returned],
    ["round.count.submitted", c.submitted],
    ["round.count.approved", c.approved],
  ];
  return (
    <>
      <h1>{t("round.title")}</h1>
      <section className="card round-now" aria-labelledby="round-now-title">
        <h2 id="round-now-title">{t("round.focal.now", { month })}</h2>
        <p className={data.minutesLeft < 0 && !done ? "round-deadline overdue" : "round-deadline"}>
          {done
            ? t("round.focal.done", { due: f.dateTime(c.due) })
            : data.minutesLeft >= 0
              ? t("round.focal.dueIn", { due: f.dateTime(c.due), left: timeLeft(data.minutesLeft) })
              : t("round.focal.overdue", { due: f.dateTime(c.due), late: timeLeft(data.minutesLeft) })}
        </p>
        <p>{t("round.focal.progress", { done: f.number(c.submitted + c.approved), expected: f.number(c.expected) })}</p>
        <ul className="round-counts">
          {counts.map(([id, n]) => (
            <li key={id}>
              <span className="round-count">{f.number(n)}</span> {t(id)}
            </li>
          ))}
        </ul>
        {c.locked ? (
          <p>{t("round.focal.locked")}</p>
        ) : (
          <p>
            <Link className="button" to={`/figures/${data.entity}/${c.period}`}>
              {done ? t("round.focal.open", { month }) : t("round.focal.continue", { month })}
            </Link>
          </p>
        )}
        <p className="hint">{t("round.focal.next", { due: f.dateTime(data.nextDue) })}</p>
      </section>

      {data.returned.length > 0 ? (
        <section aria-labelledby="round-returned-title">
          <h2 id="round-returned-title">{t("round.focal.returned")}</h2>
          <ul className="round-returned">
            {data.returned.map((r) => (
              <li key={`${r.kpi}|${r.period}`}>
                <Link to={`/figures/${data.entity}/${r.period}`}>
                  {data.kpiNames[r.kpi] ? f.name(data.kpiNames[r.kpi]) : r.kpi}, {f.period(r.period)}
                </Link>
                : <q>{r.comment}</q>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="round-owed-title">
        <h2 id="round-owed-title">{t("round.focal.owed")}</h2>
        {data.owed.length === 0 ? (
          <p className="empty-state">{t("round.focal.owedNone")}</p>
        ) : (
          <ul>
            {data.owed.map((m) => (
              <li key={m.period}>
                <Link to={`/figures/${data.entity}/${m.period}`}>{f.period(m.period)}</Link>:{" "}
                {t("round.focal.owedMonth", { done: f.number(m.submitted + m.approved), expected: f.number(m.expected) })}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function ReviewRound({ data }: { data: Extract<ReturnType<typeof useLoaderData<typeof loader>>, { kind: "review" }> }) {
  const f = useFormat();
  const { t } = f;
  return (
    <>
      <h1>{t("round.title")}</h1>
      <section aria-labelledby="round-queue-title">
        <h2 id="round-queue-title">{t("round.review.queue")}</h2>
        {data.queue.length === 0 ? (
          <p className="empty-state">{t("round.review.empty")}</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t("col.entity")}</th>
                  <th scope="col">{t("figures.col.month")}</th>
                  <th scope="col">{t("round.col.figures")}</th>
                  <th scope="col">{t("round.col.waitingSince")}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t("round.col.action")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.queue.map((g) => (
                  <tr key={`${g.entity}|${g.period}`}>
                    <th scope="row">{f.name(g)}</th>
                    <td>{f.period(g.period)}</td>
                    <td className="number">{f.number(g.count)}</td>
                    <td>{g.oldest ? f.dateTime(g.oldest) : "—"}</td>
                    <td>
                      <Link to={`/review?entity=${g.entity}&period=${g.period}`}>{t("round.review.open")}</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="round-late-title">
        <h2 id="round-late-title">{t("round.review.late", { month: f.period(data.period) })}</h2>
        {data.late.length === 0 ? (
          <p className="empty-state">{t("round.review.lateNone")}</p>
        ) : (
          <ul>
            {data.late.map((e) => (
              <li key={e.code}>
                <Link to={`/figures/${e.code}/${data.period}`}>{f.name(e)}</Link>{" "}
                <span className={`timeliness timeliness-${e.timeliness}`}>{t(`timeliness.${e.timeliness}`)}</span>{" "}
                {t("round.focal.owedMonth", { done: f.number(e.submitted), expected: f.number(e.expected) })}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function OfficeRound({ data }: { data: Extract<ReturnType<typeof useLoaderData<typeof loader>>, { kind: "office" }> }) {
  const f = useFormat();
  const { t } = f;
  return (
    <>
      <h1>{t("round.title")}</h1>
      <p className="lead">{t("round.office.intro")}</p>
      <div className="table-scroll">
        <table className="data-table">
          <caption className="visually-hidden">{t("round.office.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("figures.col.month")}</th>
              <th scope="col">{t("figures.col.due")}</th>
              <th scope="col">{t("round.col.submitted")}</th>
              <th scope="col">{t("round.col.approved")}</th>
              <th scope="col">{t("timeliness.late")}</th>
              <th scope="col">{t("timeliness.missing")}</th>
              <th scope="col">{t("round.col.waiting")}</th>
              <th scope="col">{t("figures.col.state")}</th>
            </tr>
          </thead>
          <tbody>
            {data.months.map((m) => (
              <tr key={m.period}>
                <th scope="row">
                  <Link to={`/figures?period=${m.period}`}>{f.period(m.period)}</Link>
                </th>
                <td>{f.dateTime(m.due)}</td>
                <td className="number">{t("round.ofEntities", { n: f.number(m.submitted), of: f.number(m.entities) })}</td>
                <td className="number">{t("round.ofEntities", { n: f.number(m.approved), of: f.number(m.entities) })}</td>
                <td className="number">{f.number(m.late)}</td>
                <td className="number">{f.number(m.missing)}</td>
                <td className="number">{f.number(m.waiting)}</td>
                <td>
                  {m.locked ? (
                    t("round.state.locked")
                  ) : m.readyToLock ? (
                    <Link to={`/periods?period=${m.period}`}>{t("round.state.ready")}</Link>
                  ) : (
                    t("round.state.open", { n: f.number(m.behind.length) })
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
