// A corrective action plan: what an entity will do to bring a KPI back on track, action by action
// (owner, due month, state, progress), sent by its focal point, accepted or returned by an analyst,
// closed by an analyst once the KPI is back on track. `/plans/new?entity=&kpi=&period=` opens one
// where a plan is owed. Every change is kept and listed.
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
  useSearchParams,
} from "@remix-run/react";
import { requireCsrf } from "~/auth/csrf.server";
import { requirePermission, requireUser } from "~/auth/guard.server";
import { can } from "~/auth/permissions";
import { CsrfInput } from "~/components/csrf-input";
import { useFormat } from "~/components/format";
import { TableScroll } from "~/components/table-scroll";
import { PlanActionsHead, PlanState } from "~/components/plan-state";
import { StatusBadge } from "~/components/status";
import { ACTION_STATES, type ActionState } from "../../db/schema";
import { addMonths, parsePeriod, periodOf, viewBounds } from "~/figures/month";
import type { MessageId } from "~/i18n/messages";
import { listEntities, listKpis } from "~/models/kpis.server";
import { ACTION_TEXT_MAX, ACTIONS_MAX, PLAN_TEXT_MAX } from "~/follow-up/limits";
import {
  closable,
  followUpsFor,
  planById,
  reviewPlan,
  sendPlan,
  type ActionInput,
} from "~/models/plans.server";
import { statusReportFor } from "~/models/scorecards.server";
import { db } from "~/utils/db.server";
import { readForm, refusePeriod } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { env, planSettings } from "~/utils/env.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "plan.title");

/** A month an action may be due by: any real month of this century. */
const isDueMonth = (text: string) => /^20\d{2}-(0[1-9]|1[0-2])$/.test(text);

/** Blank rows offered for new actions under the plan's own. */
const NEW_ROWS = 2;

const notFound = () => new Response("Plan not found", { status: 404 });

/** The plan asked for, or for `new` the owed KPI it would answer; 404 for what the person may not see. */
function resolve(request: Request, id: string) {
  const user = requireUser(request);
  if (id === "new") {
    const url = new URL(request.url);
    const entity = (url.searchParams.get("entity") ?? "").slice(0, 64);
    const kpi = (url.searchParams.get("kpi") ?? "").slice(0, 64);
    const parsed = parsePeriod(url.searchParams.get("period") ?? "", viewBounds(new Date()));
    if (!parsed.ok) refusePeriod(parsed);
    requirePermission(request, "plans:write", entity);
    const owed = followUpsFor(db(), parsed.period, planSettings(env()), new Date(), entity).find(
      (f) => f.kpi === kpi,
    );
    if (!owed) throw notFound();
    return {
      user,
      entity,
      kpi,
      period: parsed.period,
      found: owed.plan ? planById(db(), owed.plan.id) : null,
      status: owed.status,
      dueAt: owed.dueAt,
    };
  }
  if (!/^\d{1,12}$/.test(id)) throw notFound();
  const found = planById(db(), Number(id));
  if (!found || !can(user, "entity:read", found.plan.entityCode)) throw notFound();
  const row = statusReportFor(db(), found.plan.period).rows.find(
    (r) => r.entity === found.plan.entityCode && r.kpi === found.plan.kpiCode,
  );
  return {
    user,
    entity: found.plan.entityCode,
    kpi: found.plan.kpiCode,
    period: found.plan.period,
    found,
    status: row?.status ?? null,
    dueAt: found.plan.dueAt,
  };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, entity, kpi, period, found, status, dueAt } = resolve(request, params.id ?? "");
  // An owed KPI that has a plan already: that plan's page.
  if (params.id === "new" && found) throw redirect(`/plans/${found.plan.id}`);
  const entityRow = listEntities(db()).find((e) => e.code === entity)!;
  const kpiRow = listKpis(db()).find((k) => k.code === kpi)!;
  const now = new Date();
  return {
    entity: { code: entity, nameEn: entityRow.nameEn, nameAr: entityRow.nameAr },
    kpi: { code: kpi, nameEn: kpiRow.nameEn, nameAr: kpiRow.nameAr },
    period,
    status,
    dueAt,
    thisMonth: periodOf(now),
    plan: found ? found.plan : null,
    actions: found ? found.actions : [],
    events: found
      ? found.events.map(({ id, action, actor, at, note }) => ({ id, action, actor, at, note }))
      : [],
    canWrite: can(user, "plans:write", entity) && found?.plan.state !== "closed",
    canReview: can(user, "plans:review"),
    closable: found && found.plan.state !== "closed" ? closable(db(), found.plan, now) : false,
  };
}

type PlanError = Extract<MessageId, `plan.error.${string}`>;
interface ActionData {
  error: PlanError;
  /** The row (0-based) of the first action with a problem. */
  row?: number;
  values?: {
    summary: string;
    actions: Array<Record<keyof Omit<ActionInput, "id">, string> & { id: string }>;
    note: string;
  };
}

const field = (form: FormData, name: string, max: number) => {
  const value = form.get(name);
  return typeof value === "string" ? value.slice(0, max + 1) : "";
};

/** The action rows of the form; rows left blank are not actions. */
function readActions(form: FormData): {
  actions: ActionInput[];
  typed: NonNullable<ActionData["values"]>["actions"];
  problem: { row: number; error: PlanError } | null;
} {
  const actions: ActionInput[] = [];
  const typed: NonNullable<ActionData["values"]>["actions"] = [];
  let problem: { row: number; error: PlanError } | null = null;
  for (let i = 0; i < ACTIONS_MAX + NEW_ROWS; i++) {
    const row = {
      id: field(form, `action.${i}.id`, 12),
      title: field(form, `action.${i}.title`, ACTION_TEXT_MAX),
      owner: field(form, `action.${i}.owner`, ACTION_TEXT_MAX),
      dueMonth: field(form, `action.${i}.dueMonth`, 7),
      state: field(form, `action.${i}.state`, 16),
      progress: field(form, `action.${i}.progress`, ACTION_TEXT_MAX),
    };
    if (!form.has(`action.${i}.title`)) break;
    typed.push(row);
    if (
      row.id === "" &&
      row.title.trim() === "" &&
      row.owner.trim() === "" &&
      row.progress.trim() === ""
    )
      continue;
    const bad = (error: PlanError) => (problem ??= { row: i, error });
    if (row.title.trim() === "" || row.owner.trim() === "") bad("plan.error.actionBlank");
    else if ([row.title, row.owner, row.progress].some((v) => v.length > ACTION_TEXT_MAX))
      bad("plan.error.tooLong");
    else if (!isDueMonth(row.dueMonth)) bad("plan.error.dueMonth");
    else if (!(ACTION_STATES as readonly string[]).includes(row.state)) bad("plan.error.state");
    else if (row.id !== "" && !/^\d{1,12}$/.test(row.id)) bad("plan.error.form");
    else
      actions.push({
        id: row.id === "" ? null : Number(row.id),
        title: row.title,
        owner: row.owner,
        dueMonth: row.dueMonth,
        state: row.state as ActionState,
        progress: row.progress,
      });
  }
  if (actions.length > ACTIONS_MAX) problem ??= { row: ACTIONS_MAX, error: "plan.error.tooMany" };
  return { actions, typed, problem };
}

const REASONS: Record<string, PlanError> = {
  stale: "plan.error.stale",
  "not-needed": "plan.error.notNeeded",
  "no-actions": "plan.error.noActions",
  state: "plan.error.state",
  empty: "plan.error.returnNote",
};

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, entity, kpi, period, found } = resolve(request, params.id ?? "");
  const form = await readForm(request);
  requireCsrf(request, form);
  const intent = form.get("intent");
  const now = new Date();
  const version = Number(field(form, "version", 12)) || 0;
  const note = field(form, "note", PLAN_TEXT_MAX);

  if (intent === "review") {
    requirePermission(request, "plans:review");
    const decision = form.get("decision");
    if (!found || (decision !== "accept" && decision !== "return" && decision !== "close")) {
      return data<ActionData>({ error: "plan.error.form" }, { status: 400 });
    }
    if (decision === "return" && note.trim() === "") {
      return data<ActionData>(
        { error: "plan.error.returnNote", values: { summary: "", actions: [], note } },
        { status: 400 },
      );
    }
    const outcome = reviewPlan(db(), user, { planId: found.plan.id, version, decision, note }, now);
    if (!outcome.ok) {
      return data<ActionData>(
        {
          error: REASONS[outcome.reason] ?? "plan.error.form",
          values: { summary: "", actions: [], note },
        },
        { status: outcome.reason === "stale" ? 409 : 400 },
      );
    }
    return redirect(`/plans/${outcome.plan.id}?done=${decision}`);
  }

  if (intent !== "send") return data<ActionData>({ error: "plan.error.form" }, { status: 400 });
  requirePermission(request, "plans:write", entity);
  const summary = field(form, "summary", PLAN_TEXT_MAX);
  const language = form.get("language") === "ar" ? "ar" : "en";
  const { actions, typed, problem } = readActions(form);
  const values = { summary, actions: typed, note: "" };
  if (summary.trim() === "")
    return data<ActionData>({ error: "plan.error.summary", values }, { status: 400 });
  if (summary.length > PLAN_TEXT_MAX)
    return data<ActionData>({ error: "plan.error.tooLong", values }, { status: 400 });
  if (problem)
    return data<ActionData>({ error: problem.error, row: problem.row, values }, { status: 400 });
  const outcome = sendPlan(
    db(),
    user,
    {
      entity,
      kpi,
      period,
      planId: found?.plan.id ?? null,
      version: found ? version : null,
      summary,
      language,
      actions,
    },
    planSettings(env()),
    now,
  );
  if (!outcome.ok) {
    if (outcome.reason === "forbidden") throw new Response("Forbidden", { status: 403 });
    return data<ActionData>(
      { error: REASONS[outcome.reason], values },
      { status: outcome.reason === "stale" ? 409 : 400 },
    );
  }
  return redirect(`/plans/${outcome.plan.id}?done=send`);
}

export default function PlanPage() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const f = useFormat();
  const { t } = f;
  const entity = f.name(page.entity);
  const kpi = f.name(page.kpi);
  const [params] = useSearchParams();
  const done = params.get("done");
  const rows = result?.values?.actions.length
    ? result.values.actions
    : [
        ...page.actions.map((a) => ({
          id: String(a.id),
          title: a.title,
          owner: a.owner,
          dueMonth: a.dueMonth,
          state: a.state,
          progress: a.progress,
        })),
        ...Array.from({ length: page.actions.length >= ACTIONS_MAX ? 0 : NEW_ROWS }, () => ({
          id: "",
          title: "",
          owner: "",
          dueMonth: addMonths(page.thisMonth, 2),
          state: "planned",
          progress: "",
        })),
      ];
  return (
    <>
      <p className="breadcrumb">
        <Link to={`/follow-up/${page.entity.code}/${page.period}`}>
          {t("plan.back", { entity, month: f.period(page.period) })}
        </Link>
      </p>
      <h1>{t("plan.heading", { kpi, entity })}</h1>
      <p className="lead">
        {t("plan.intro", { month: f.period(page.period), date: f.dateTime(page.dueAt) })}{" "}
        {page.status ? <StatusBadge status={page.status} /> : null}
      </p>
      {page.plan ? (
        <p>
          <PlanState state={page.plan.state} />
          {page.closable ? ` ${t("plan.closable")}` : null}
        </p>
      ) : null}
      {page.plan?.state === "returned" && page.events.find((e) => e.action === "return")?.note ? (
        <p className="notice">
          {t("plan.returnedNote")} <bdi>{page.events.find((e) => e.action === "return")!.note}</bdi>
        </p>
      ) : null}
      {done ? (
        <p className="notice" role="status">
          {t(
            `plan.done.${done === "accept" || done === "return" || done === "close" ? done : "send"}`,
          )}
        </p>
      ) : null}
      {result?.error ? (
        <p className="form-error" role="alert">
          {t(result.error)}
          {result.row !== undefined ? ` ${t("plan.error.row", { row: result.row + 1 })}` : null}
        </p>
      ) : null}

      {page.canWrite ? (
        <Form method="post" className="stacked-form plan-form" key={page.plan?.version ?? 0}>
          <CsrfInput />
          <input type="hidden" name="intent" value="send" />
          <input type="hidden" name="version" value={page.plan?.version ?? ""} />
          <input type="hidden" name="language" value={f.locale} />
          <label htmlFor="summary">{t("plan.summary")}</label>
          <textarea
            dir="auto"
            id="summary"
            name="summary"
            rows={3}
            maxLength={PLAN_TEXT_MAX}
            defaultValue={result?.values?.summary ?? page.plan?.summary ?? ""}
          />
          <div className="table-scroll">
            <table className="data-table plan-actions">
              <caption>{t("plan.actions")}</caption>
              <PlanActionsHead />
              <tbody>
                {rows.map((row, i) => (
                  <tr key={i} aria-invalid={result?.row === i || undefined}>
                    <td>
                      <input type="hidden" name={`action.${i}.id`} value={row.id} />
                      <input
                        dir="auto"
                        name={`action.${i}.title`}
                        aria-label={`${t("plan.action.title")} ${i + 1}`}
                        maxLength={ACTION_TEXT_MAX}
                        defaultValue={row.title}
                      />
                    </td>
                    <td>
                      <input
                        dir="auto"
                        name={`action.${i}.owner`}
                        aria-label={`${t("plan.action.owner")} ${i + 1}`}
                        maxLength={ACTION_TEXT_MAX}
                        defaultValue={row.owner}
                      />
                    </td>
                    <td>
                      <input
                        type="month"
                        name={`action.${i}.dueMonth`}
                        aria-label={`${t("plan.action.dueMonth")} ${i + 1}`}
                        defaultValue={row.dueMonth}
                      />
                    </td>
                    <td>
                      <select
                        name={`action.${i}.state`}
                        aria-label={`${t("plan.action.state")} ${i + 1}`}
                        defaultValue={row.state}
                      >
                        {ACTION_STATES.map((s) => (
                          <option key={s} value={s}>
                            {t(`plan.actionState.${s}`)}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <input
                        dir="auto"
                        name={`action.${i}.progress`}
                        aria-label={`${t("plan.action.progress")} ${i + 1}`}
                        maxLength={ACTION_TEXT_MAX}
                        defaultValue={row.progress}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted">{t("plan.moreRows")}</p>
          <button type="submit" disabled={navigation.state === "submitting"}>
            {t(
              page.plan
                ? page.plan.state === "accepted"
                  ? "plan.update"
                  : "plan.sendAgain"
                : "plan.send",
            )}
          </button>
        </Form>
      ) : page.plan ? (
        <>
          <p
            lang={page.plan.language}
            dir={page.plan.language === "ar" ? "rtl" : "ltr"}
            className="commentary-text"
          >
            {page.plan.summary}
          </p>
          <TableScroll labelledBy="plan-actions-caption">
            <table className="data-table plan-actions">
              <caption id="plan-actions-caption">{t("plan.actions")}</caption>
              <PlanActionsHead />
              <tbody>
                {page.actions.map((a) => (
                  <tr
                    key={a.id}
                    className={
                      a.dueMonth < page.thisMonth &&
                      (a.state === "planned" || a.state === "in-progress")
                        ? "action-overdue"
                        : undefined
                    }
                  >
                    <td dir="auto">{a.title}</td>
                    <td dir="auto">{a.owner}</td>
                    <td>{f.period(a.dueMonth)}</td>
                    <td>
                      {t(`plan.actionState.${a.state}`)}
                      {a.dueMonth < page.thisMonth &&
                      (a.state === "planned" || a.state === "in-progress")
                        ? ` ${t("plan.actionOverdue")}`
                        : null}
                    </td>
                    <td dir="auto">{a.progress}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      ) : null}

      {page.canReview && page.plan && page.plan.state !== "closed" ? (
        <Form method="post" className="stacked-form review-form">
          <CsrfInput />
          <input type="hidden" name="intent" value="review" />
          <input type="hidden" name="version" value={page.plan.version} />
          <label htmlFor="note">{t("plan.reviewNote")}</label>
          <textarea
            dir="auto"
            id="note"
            name="note"
            rows={2}
            maxLength={PLAN_TEXT_MAX}
            defaultValue={result?.values?.note ?? ""}
          />
          <div className="button-row">
            {page.plan.state === "submitted" ? (
              <>
                <button type="submit" name="decision" value="accept">
                  {t("plan.accept")}
                </button>
                <button type="submit" name="decision" value="return">
                  {t("plan.return")}
                </button>
              </>
            ) : null}
            {page.closable ? (
              <button type="submit" name="decision" value="close">
                {t("plan.close")}
              </button>
            ) : null}
          </div>
        </Form>
      ) : null}

      {page.events.length > 0 ? (
        <section aria-labelledby="plan-history">
          <h2 id="plan-history">{t("plan.history")}</h2>
          <ol className="plan-history">
            {page.events.map((e) => (
              <li key={e.id}>
                {t(`plan.event.${e.action}`, { actor: e.actor, date: f.dateTime(e.at) })}
                {e.note ? (
                  <>
                    {": "}
                    <q dir="auto">{e.note}</q>
                  </>
                ) : null}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </>
  );
}
