// The monthly briefing book: for the month chosen, in each language, whether a book is ready (and
// still the month as it is), being prepared (and how far it has got), or to be prepared; the
// download; and the button that asks for one. docs/decisions/0018-briefing-book.md.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { z } from "zod";
import { requireCsrf } from "~/auth/csrf.server";
import { requirePermission } from "~/auth/guard.server";
import { can } from "~/auth/permissions";
import { briefingJobs } from "~/briefing/service.server";
import { CsrfInput } from "~/components/csrf-input";
import { useFormat } from "~/components/format";
import { MonthPicker } from "~/components/month-picker";
import { chromiumPath } from "~/exports/pdf.server";
import { parsePeriod, viewBounds } from "~/figures/month";
import { LOCALES, type Locale } from "~/i18n/locale";
import type { MessageId } from "~/i18n/messages";
import {
  bookDataVersion,
  hasApprovedFigures,
  isActive,
  isLive,
  latestBook,
  readyBook,
} from "~/models/briefing-books.server";
import { db } from "~/utils/db.server";
import { readForm } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { periodFromRequest } from "~/utils/period-param.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "briefing.title");

/** How often the page asks again while a book is being prepared. */
const POLL_MS = 2_000;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requirePermission(request, "briefing:read");
  const { period, first, last } = periodFromRequest(request, db());
  const now = new Date();
  const version = bookDataVersion(db(), period);
  const books = LOCALES.map((language) => {
    const latest = latestBook(db(), period, language);
    const ready = readyBook(db(), period, language);
    // A preparation whose process stopped beating reads as failed (the next request clears it).
    const live = latest !== null && isLive(latest, now);
    const failed = latest !== null && (latest.state === "failed" || (isActive(latest) && !live));
    return {
      language,
      working: live ? { state: latest.state, progress: latest.progress, requestedBy: latest.requestedBy, requestedAt: latest.requestedAt } : null,
      failedAt: failed ? (latest.finishedAt ?? latest.heartbeatAt) : null,
      ready: ready ? { pages: ready.pages ?? 0, bytes: ready.bytes ?? 0, finishedAt: ready.finishedAt ?? ready.requestedAt, stale: ready.dataVersion !== version } : null,
    };
  });
  return {
    period,
    first,
    last,
    books,
    hasFigures: hasApprovedFigures(db(), period),
    canPrepare: can(user, "briefing:prepare"),
    printer: chromiumPath() !== null,
  };
}

const prepareForm = z.object({
  intent: z.literal("prepare"),
  period: z.string().max(7),
  language: z.enum(LOCALES),
});

type Notice = Extract<MessageId, `briefing.${string}`> | "error.form.type";
interface ActionData {
  language: Locale | null;
  notice: Notice;
  ok: boolean;
}

const OUTCOMES = { started: "briefing.started", joined: "briefing.joined", current: "briefing.alreadyReady", busy: "briefing.busy" } as const;

export async function action({ request }: ActionFunctionArgs) {
  const user = requirePermission(request, "briefing:prepare");
  const form = await readForm(request);
  requireCsrf(request, form);
  const parsed = prepareForm.safeParse(Object.fromEntries([...form].filter(([, v]) => typeof v === "string")));
  if (!parsed.success) return data<ActionData>({ language: null, notice: "error.form.type", ok: false }, { status: 400 });
  const { language } = parsed.data;
  const period = parsePeriod(parsed.data.period, viewBounds(new Date()));
  // The month is a hidden field: anything but a month the page could show was not sent by it.
  if (!period.ok) return data<ActionData>({ language, notice: "error.form.type", ok: false }, { status: 400 });
  if (!hasApprovedFigures(db(), period.period)) return data<ActionData>({ language, notice: "briefing.noFigures", ok: false }, { status: 400 });
  if (!chromiumPath()) return data<ActionData>({ language, notice: "briefing.noPrinter", ok: false }, { status: 503 });
  const outcome = briefingJobs().request({ period: period.period, language, requestedBy: user.email, now: new Date() });
  if (outcome.kind === "busy") {
    return data<ActionData>({ language, notice: OUTCOMES.busy, ok: false }, { status: 503, headers: { "Retry-After": "60" } });
  }
  return data<ActionData>({ language, notice: OUTCOMES[outcome.kind], ok: true }, { status: outcome.kind === "started" ? 202 : 200 });
}

export default function Briefing() {
  const { period, first, last, books, hasFigures, canPrepare, printer } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const f = useFormat();
  const { t } = f;
  const month = f.period(period);
  const working = books.some((b) => b.working !== null);

  // While a book is being prepared, the page asks again every few seconds for how far it has got.
  useEffect(() => {
    if (!working) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [working, revalidator]);

  return (
    <>
      <div className="page-head">
        <div>
          <h1>{t("briefing.title")}</h1>
          <p className="lead">{t("briefing.intro", { month })}</p>
        </div>
        <MonthPicker period={period} first={first} last={last} />
      </div>
      {!hasFigures ? <p className="empty-state">{t("briefing.noFigures", { month })}</p> : null}
      {!printer ? <p className="notice">{t("briefing.noPrinter")}</p> : null}
      {result && result.language === null ? (
        <p className="form-error" role="alert">
          {t(result.notice, { month })}
        </p>
      ) : null}
      <div className="briefing-books">
        {books.map((book) => {
          const mine = result && result.language === book.language ? result : null;
          const ready = book.ready;
          const label = book.ready?.stale || book.failedAt ? "briefing.prepareAgain" : "briefing.prepare";
          return (
            <section key={book.language} className="card briefing-book" aria-labelledby={`briefing-${book.language}`}>
              <h2 id={`briefing-${book.language}`} lang={book.language}>
                {t(`briefing.language.${book.language}`)}
              </h2>
              {mine ? (
                <p className={mine.ok ? "notice" : "form-error"} role={mine.ok ? "status" : "alert"}>
                  {t(mine.notice, { month })}
                </p>
              ) : null}
              {book.working ? (
                <div className="briefing-progress" role="status">
                  <p>{t(book.working.state === "queued" ? "briefing.queued" : "briefing.running")}</p>
                  <progress max={100} value={book.working.progress} aria-label={t("briefing.progress")}>
                    {f.share(book.working.progress / 100)}
                  </progress>{" "}
                  <span className="number">{f.share(book.working.progress / 100)}</span>
                  <p className="muted">{t("briefing.requested", { name: book.working.requestedBy, date: f.dateTime(book.working.requestedAt) })}</p>
                </div>
              ) : null}
              {book.failedAt && !book.working ? (
                <p className="form-error" role="alert">
                  {t("briefing.failed", { date: f.dateTime(book.failedAt) })}
                </p>
              ) : null}
              {ready ? (
                <>
                  <p>{t("briefing.ready", { pages: ready.pages, date: f.dateTime(ready.finishedAt) })}</p>
                  {ready.stale ? (
                    <p className="briefing-stale">
                      <span aria-hidden="true">⚠ </span>
                      {t("briefing.stale")}
                    </p>
                  ) : (
                    <p className="briefing-current">
                      <span aria-hidden="true">✔ </span>
                      {t("briefing.current")}
                    </p>
                  )}
                  <p>
                    <a href={`/briefing/${period}/download?lang=${book.language}`} download>
                      {t("briefing.download", { size: f.number(Math.max(0.1, ready.bytes / 1_048_576), 1) })}
                    </a>
                  </p>
                </>
              ) : !book.working ? (
                <p className="muted">{t("briefing.none")}</p>
              ) : null}
              {canPrepare && printer && hasFigures && !book.working && !(ready && !ready.stale && !book.failedAt) ? (
                <Form method="post">
                  <CsrfInput />
                  <input type="hidden" name="intent" value="prepare" />
                  <input type="hidden" name="period" value={period} />
                  <input type="hidden" name="language" value={book.language} />
                  <button type="submit" disabled={navigation.state === "submitting"}>
                    {t(label)}
                  </button>
                </Form>
              ) : null}
              <p>
                <a href={`/briefing/${period}/print?lang=${book.language}`}>
                  {t("briefing.printView")}
                </a>
              </p>
            </section>
          );
        })}
      </div>
    </>
  );
}
