// A person's own notices, newest first: what each says in the page's language, a link to the page
// it speaks of, and marking read. Everyone signed in has an inbox; nobody sees another's.
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireCsrf } from "~/auth/csrf.server";
import { requirePermission } from "~/auth/guard.server";
import { CsrfInput } from "~/components/csrf-input";
import { useFormat } from "~/components/format";
import { resolveLocale } from "~/i18n/locale.server";
import { noticeText } from "~/notices/mail.server";
import { inboxOf, markRead, unreadCount } from "~/notices/outbox.server";
import { db } from "~/utils/db.server";
import { readForm, refuse } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

const PERMISSION = "notices:read";
/** Notices on one page; older ones are a link away (?before=<id>). */
const PAGE_SIZE = 20;

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "notices.title");

/** `?before=<id>`: a positive whole number, once; anything else is a 400, not a guess. */
function beforeFromRequest(request: Request): number | undefined {
  const values = new URL(request.url).searchParams.getAll("before");
  if (values.length === 0) return undefined;
  const id = values.length === 1 && /^[1-9][0-9]{0,15}$/.test(values[0]) ? Number(values[0]) : NaN;
  if (!Number.isSafeInteger(id)) refuse(400, "notices.error.before");
  return id;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requirePermission(request, PERMISSION);
  const before = beforeFromRequest(request);
  const locale = resolveLocale(request);
  const page = inboxOf(db(), user.id, { limit: PAGE_SIZE, before });
  const notices = page.notices.map((notice) => {
    const text = noticeText(db(), notice, locale);
    return {
      id: notice.id,
      kind: notice.kind,
      createdAt: notice.createdAt,
      readAt: notice.readAt,
      subject: text.subject,
      lines: text.lines,
      quote: text.quote ?? null,
      path: text.path,
    };
  });
  return {
    notices,
    paged: before !== undefined,
    older: page.more ? notices[notices.length - 1].id : null,
    unread: unreadCount(db(), user.id),
  };
}

/** One notice marked read, or all of the person's own. */
const markForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("read"), id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
  z.object({ intent: z.literal("read-all") }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const user = requirePermission(request, PERMISSION);
  const form = await readForm(request);
  requireCsrf(request, form);
  const submission = parseWithZod(form, { schema: markForm, disableAutoCoercion: true });
  if (submission.status !== "success") refuse(400, "notices.error.form");
  const post = submission.value;
  // Only the person's own notices change: another's id (or one already read) marks nothing, and
  // answers the same, so nothing is revealed about whose it is.
  const marked = markRead(db(), user.id, post.intent === "read-all" ? "all" : post.id, new Date());
  return data({ marked });
}

export default function Notices() {
  const { notices, paged, older, unread } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const f = useFormat();
  const { t } = f;
  return (
    <>
      <div className="page-head">
        <h1>{t("notices.title")}</h1>
        <Link to="/notices/preferences">{t("notices.preferencesLink")}</Link>
      </div>
      <p className="lead">{t("notices.intro")}</p>
      {result ? (
        <p className="notice" role="status">
          {t("notices.marked", { count: result.marked })}
        </p>
      ) : null}
      <div className="notices-summary">
        <p>{t("notices.unreadCount", { count: unread })}</p>
        {unread > 0 ? (
          <Form method="post">
            <CsrfInput />
            <button type="submit" name="intent" value="read-all">
              {t("notices.markAllRead")}
            </button>
          </Form>
        ) : null}
      </div>

      {notices.length === 0 ? (
        <p className="empty-state">{paged ? t("notices.emptyPage") : t("notices.empty")}</p>
      ) : (
        <ol className="notice-list">
          {notices.map((notice) => {
            const unreadNotice = notice.readAt === null;
            const titleId = `notice-${notice.id}-subject`;
            return (
              <li key={notice.id}>
                <article className={unreadNotice ? "notice-item notice-unread" : "notice-item"} aria-labelledby={titleId}>
                  <div className="notice-item-head">
                    {unreadNotice ? <span className="notice-flag">{t("notices.unread")}</span> : null}
                    <span className="notice-kind">{t(`notices.kind.${notice.kind}`)}</span>
                    <time dateTime={notice.createdAt} className="muted">
                      {t("notices.received", { date: f.dateTime(notice.createdAt) })}
                    </time>
                  </div>
                  <h2 id={titleId} className="notice-subject">
                    {notice.subject}
                  </h2>
                  {notice.lines.map((line, i) => (
                    <p key={i} className="notice-line" dir="auto">
                      {line}
                    </p>
                  ))}
                  {/* Someone's own words (a returned figure's comment) keep their own direction. */}
                  {notice.quote !== null ? (
                    <blockquote className="notice-quote" dir="auto">
                      {notice.quote}
                    </blockquote>
                  ) : null}
                  <div className="notice-actions">
                    <Link to={notice.path} aria-describedby={titleId}>
                      {t("notices.open")}
                    </Link>
                    {unreadNotice ? (
                      <Form method="post">
                        <CsrfInput />
                        <input type="hidden" name="id" value={notice.id} />
                        <button type="submit" name="intent" value="read" aria-describedby={titleId}>
                          {t("notices.markRead")}
                        </button>
                      </Form>
                    ) : notice.readAt ? (
                      <span className="muted">{t("notices.readAt", { date: f.dateTime(notice.readAt) })}</span>
                    ) : null}
                  </div>
                </article>
              </li>
            );
          })}
        </ol>
      )}

      {paged || older !== null ? (
        <nav aria-label={t("notices.pages")} className="notice-pages">
          {paged ? <Link to="/notices">{t("notices.newest")}</Link> : null}
          {older !== null ? <Link to={`/notices?before=${older}`}>{t("notices.older")}</Link> : null}
        </nav>
      ) : null}
    </>
  );
}
