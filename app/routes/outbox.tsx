// The Outbox, for administrators: every notice's e-mail, to whom and in which language, what its
// subject says to them, and how its sending stands (retries, the last error).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { MAIL_STATES, type MailState } from "../../db/schema";
import { requirePermission } from "~/auth/guard.server";
import { useFormat } from "~/components/format";
import { TableScroll } from "~/components/table-scroll";
import { direction } from "~/i18n/locale";
import { noticeText } from "~/notices/mail.server";
import { outboxPage } from "~/notices/outbox.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { refuse } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

/** Rows on the page: the newest; a state filter finds older ones of a kind of trouble. */
const LIMIT = 200;

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "outbox.title");

const isMailState = (value: string): value is MailState => (MAIL_STATES as readonly string[]).includes(value);

/** `?state=` one of the mail states, once, or none for all; anything else is a 400. */
function stateFromRequest(request: Request): MailState | null {
  const values = new URL(request.url).searchParams.getAll("state");
  if (values.length === 0 || (values.length === 1 && values[0] === "")) return null;
  if (values.length > 1 || !isMailState(values[0])) refuse(400, "outbox.error.state");
  return values[0];
}

export async function loader({ request }: LoaderFunctionArgs) {
  requirePermission(request, "outbox:read");
  const state = stateFromRequest(request);
  const page = outboxPage(db(), { state: state ?? undefined, limit: LIMIT });
  return {
    state,
    counts: MAIL_STATES.map((s) => ({ state: s, count: page.counts[s] ?? 0 })),
    mailServer: env().SMTP_URL !== undefined,
    limited: page.rows.length === LIMIT,
    rows: page.rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      createdAt: row.createdAt,
      to: row.to,
      // In the recipient's language: what their inbox and their e-mail say.
      subject: noticeText(db(), row, row.to.locale).subject,
      mail: row.mail,
      attempts: row.attempts,
      nextAttemptAt: row.mail === "pending" ? row.nextAttemptAt : null,
      lastError: row.lastError,
      sentAt: row.sentAt,
    })),
  };
}

export default function Outbox() {
  const { state, counts, mailServer, limited, rows } = useLoaderData<typeof loader>();
  const f = useFormat();
  const { t } = f;
  const none = <span className="muted">{t("value.none")}</span>;
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  return (
    <>
      <h1>{t("outbox.title")}</h1>
      {mailServer ? null : (
        <p className="notice outbox-no-server" role="note">
          {t("outbox.noServer")}
        </p>
      )}
      <p className="lead">{t("outbox.intro")}</p>

      <section aria-labelledby="outbox-counts">
        <h2 id="outbox-counts" className="visually-hidden">
          {t("outbox.counts")}
        </h2>
        <ul className="outbox-counts">
          {counts.map((c) => (
            <li key={c.state}>
              <Link
                to={`/outbox?state=${c.state}`}
                className={`mail-state mail-state-${c.state}`}
                aria-current={state === c.state ? "page" : undefined}
              >
                {t(`outbox.state.${c.state}`)} <span className="outbox-count number">{f.number(c.count)}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>

      <Form method="get" className="filters">
        <label htmlFor="outbox-state">{t("outbox.filter.state")}</label>
        <select id="outbox-state" name="state" defaultValue={state ?? ""}>
          <option value="">{t("outbox.filter.all")}</option>
          {counts.map((c) => (
            <option key={c.state} value={c.state}>
              {t(`outbox.state.${c.state}`)}
            </option>
          ))}
        </select>
        <button type="submit">{t("outbox.filter.submit")}</button>
      </Form>

      {rows.length === 0 ? (
        <p className="empty-state">{total === 0 ? t("outbox.empty") : t("outbox.emptyState")}</p>
      ) : (
        <>
          {limited ? <p className="muted">{t("outbox.limit", { count: f.number(rows.length) })}</p> : null}
          <TableScroll labelledBy="outbox-caption">
            <table className="data-table outbox-table">
              <caption id="outbox-caption" className="visually-hidden">{t("outbox.caption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("outbox.col.created")}</th>
                  <th scope="col">{t("outbox.col.recipient")}</th>
                  <th scope="col">{t("outbox.col.kind")}</th>
                  <th scope="col">{t("outbox.col.subject")}</th>
                  <th scope="col">{t("outbox.col.state")}</th>
                  <th scope="col">{t("outbox.col.attempts")}</th>
                  <th scope="col">{t("outbox.col.next")}</th>
                  <th scope="col">{t("outbox.col.error")}</th>
                  <th scope="col">{t("outbox.col.sent")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.id}>
                    <td className="outbox-date">{f.dateTime(row.createdAt)}</td>
                    <td>
                      <span className="outbox-name">{row.to.name}</span>
                      <span className="outbox-email">
                        <bdi dir="ltr">{row.to.email}</bdi>
                      </span>
                      <span className="muted">{t(`outbox.language.${row.to.locale}`)}</span>
                    </td>
                    <td>{t(`notices.kind.${row.kind}`)}</td>
                    <td lang={row.to.locale} dir={direction(row.to.locale)} className="outbox-subject">
                      {row.subject}
                    </td>
                    <td>
                      <span className={`mail-state mail-state-${row.mail}`}>{t(`outbox.state.${row.mail}`)}</span>
                    </td>
                    <td className="number">{f.number(row.attempts)}</td>
                    <td className="outbox-date">{row.nextAttemptAt ? f.dateTime(row.nextAttemptAt) : none}</td>
                    <td className="outbox-error">{row.lastError ? <code dir="ltr">{row.lastError}</code> : none}</td>
                    <td className="outbox-date">{row.sentAt ? f.dateTime(row.sentAt) : none}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </>
  );
}
