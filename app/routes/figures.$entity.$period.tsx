import {
  data,
  redirect,
  unstable_createMemoryUploadHandler as createMemoryUploadHandler,
  unstable_parseMultipartFormData as parseMultipartFormData,
  MaxPartSizeExceededError,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams, type ShouldRevalidateFunction } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { requireCsrf } from "~/auth/csrf.server";
import { requirePermission } from "~/auth/guard.server";
import { can } from "~/auth/permissions";
import { CsrfInput } from "~/components/csrf-input";
import { useFormat } from "~/components/format";
import { parseWithZod } from "@conform-to/zod/v4";
import { useForm } from "@conform-to/react";
import { entryChecks, entryShape, problemsOf, type EntryPost } from "~/figures/entry-form";
import { parseNumber, ungroupTyped } from "~/figures/rules";
import { isReadOnlyForEntry } from "~/figures/states";
import { readUploadedFile } from "~/figures/upload.server";
import type { Formatter } from "~/i18n/format";
import type { MessageId } from "~/i18n/messages";
import { entryFormFor, saveEntry, saveUpload, type Conflict, type EntryItem, type EntryProblem } from "~/models/entry.server";
import { checkFigureRows, loadFigureRules, type ImportError } from "~/models/figures.server";
import { listEntities, listKpis } from "~/models/kpis.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { pageTitle } from "~/utils/meta";
import { refuse, refusePeriod, readForm } from "~/utils/http.server";
import { dueMoment, parsePeriod, periodOf, viewBounds } from "~/figures/month";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "figures.title");

/**
 * A refused draft (400) may still have saved its good figures: read the month again then, or the
 * form would show those as they were before. Remix skips revalidation after a 4xx by default.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  (actionResult as ActionResult | undefined)?.saved ? true : defaultShouldRevalidate;

function pageParams(params: { entity?: string; period?: string }) {
  const entity = params.entity ?? "";
  const period = params.period ?? "";
  return { entity, period };
}

function requireMonth(entity: string, period: string) {
  const parsed = parsePeriod(period, viewBounds(new Date()));
  if (!parsed.ok) refusePeriod(parsed);
  const found = listEntities(db()).find((e) => e.code === entity);
  if (!found) throw new Response("Entity not found", { status: 404 });
  return found;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { entity, period } = pageParams(params);
  const user = requirePermission(request, "entity:read", entity);
  const found = requireMonth(entity, period);
  const form = entryFormFor(db(), entity, period);
  const catalogue = listKpis(db());
  return {
    entity: found,
    period,
    locked: form.locked,
    canEnter: can(user, "figures:enter", entity),
    due: dueMoment(period, env().FIGURES_DUE_DAY),
    late: new Date().toISOString() > dueMoment(period, env().FIGURES_DUE_DAY),
    // Sent back with an upload: drafts changed by someone else after this are not overwritten.
    openedAt: new Date().toISOString(),
    maxUploadBytes: env().UPLOAD_MAX_BYTES,
    items: form.items.map((item) => {
      const kpi = catalogue.find((k) => k.code === item.kpi)!;
      return {
        ...item,
        name: { nameEn: kpi.nameEn, nameAr: kpi.nameAr },
        unit: kpi.unit,
        measure: kpi.measure,
        numeratorName: { nameEn: kpi.numeratorEn ?? "", nameAr: kpi.numeratorAr ?? "" },
        denominatorName: { nameEn: kpi.denominatorEn ?? "", nameAr: kpi.denominatorAr ?? "" },
      };
    }),
  };
}

type Values = Record<string, Partial<Record<"value" | "numerator" | "denominator" | "comment" | "version", string>>>;

interface ActionResult {
  locked?: boolean;
  /** Figures of a draft saved although others were refused. */
  saved?: number;
  values?: Values;
  problems?: Record<string, EntryProblem[]>;
  conflicts?: Record<string, Conflict>;
  uploadErrors?: ImportError[];
  tooLarge?: boolean;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { entity, period } = pageParams(params);
  const user = requirePermission(request, "figures:enter", entity);
  requireMonth(entity, period);
  const now = new Date();

  if ((request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await parseMultipartFormData(request, createMemoryUploadHandler({ maxPartSize: env().UPLOAD_MAX_BYTES }));
    } catch (error) {
      if (error instanceof MaxPartSizeExceededError) return data<ActionResult>({ tooLarge: true }, { status: 413 });
      // A body that is not the multipart it claims to be: the person's fault, not the server's.
      refuse(400, "error.form.type");
    }
    requireCsrf(request, form);
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) {
      return data<ActionResult>({ uploadErrors: [{ line: 0, message: "empty", problems: [], code: "empty" }] }, { status: 400 });
    }
    const read = await readUploadedFile({ name: file.name, type: file.type, bytes: new Uint8Array(await file.arrayBuffer()) });
    const checked = checkFigureRows(read.rows, loadFigureRules(db(), periodOf(now)), read.errors, { onlyEntity: entity });
    if (checked.errors.length > 0) return data<ActionResult>({ uploadErrors: checked.errors }, { status: 400 });
    const openedAt = form.get("openedAt");
    const saved = saveUpload(db(), {
      entity,
      figures: checked.figures,
      actor: user.email,
      now,
      currentPeriod: periodOf(now),
      openedAt: typeof openedAt === "string" && ISO_INSTANT.test(openedAt) ? openedAt : null,
    });
    if (!saved.ok) return data<ActionResult>({ uploadErrors: saved.errors }, { status: saved.conflict ? 409 : 400 });
    return redirect(`/figures/${entity}/${period}?uploaded=${saved.saved}`);
  }

  const form = await readForm(request);
  requireCsrf(request, form);
  // The form's schema (app/figures/entry-form.ts): its shape here, its figures in saveEntry.
  const submission = parseWithZod(form, { schema: entryShape, disableAutoCoercion: true });
  if (submission.status !== "success") refuse(400, "error.form.type");
  const post = submission.value;
  const intent = post.intent;
  // Every KPI on the form sends its version, "" for a figure not yet saved.
  const items: EntryItem[] = Object.entries(post.version).map(([kpi, version]) => ({
    kpi,
    value: post.value[kpi],
    numerator: post.numerator[kpi],
    denominator: post.denominator[kpi],
    comment: post.comment[kpi],
    version,
  }));
  const result = saveEntry(db(), {
    entity,
    period,
    intent,
    items,
    actor: user.email,
    now,
    currentPeriod: periodOf(now),
    jumpShare: env().FIGURE_JUMP_SHARE,
  });
  if (result.ok) {
    const late = result.submitted > 0 && now.toISOString() > dueMoment(period, env().FIGURES_DUE_DAY);
    return redirect(`/figures/${entity}/${period}?${intent === "submit" ? "submitted" : "saved"}=${result.saved}${late ? "&late=1" : ""}`);
  }
  const typed = (i: EntryItem) => [i.kpi, { value: i.value, numerator: i.numerator, denominator: i.denominator, comment: i.comment, version: i.version }];
  if (result.locked) return data<ActionResult>({ locked: true, values: Object.fromEntries(items.map(typed)) }, { status: 423 });
  // What was typed comes back for the refused figures; the saved ones show as stored.
  const refused = new Set([...Object.keys(result.problems), ...Object.keys(result.conflicts)]);
  const values: Values = Object.fromEntries(items.filter((i) => result.saved === 0 || refused.has(i.kpi)).map(typed));
  const status = Object.keys(result.problems).length === 0 ? 409 : 400;
  return data<ActionResult>({ values, saved: result.saved, problems: result.problems, conflicts: result.conflicts }, { status });
}

type Item = ReturnType<typeof useLoaderData<typeof loader>>["items"][number];

/** The name of the button conform submits to ask for a field's check (@conform-to/dom's INTENT). */
const CONFORM_INTENT = "__intent__";

function problemText(p: EntryProblem, f: Formatter): string {
  if (p.code === "justify") {
    // The check counts in whole percentages; the sentence shows each as a share, sign and all.
    const { reason, ...percentages } = p.params;
    const shares = Object.fromEntries(Object.entries(percentages).map(([key, v]) => [key, f.share(Number(v) / 100)]));
    return f.t(`problem.justify.${reason as "jump" | "below-band"}`, shares);
  }
  return f.t(`problem.${p.code}` as MessageId, p.params);
}

function fileErrorText(e: ImportError, f: Formatter): string {
  const t = f.t;
  const text = e.code
    ? t(`file.${e.code}`, e.params ?? {})
    : e.problems.map((p) => problemText(p as EntryProblem, f)).join(" ") || e.message;
  return e.line > 0 ? t("entry.line", { line: e.line, message: text }) : text;
}

function KpiFields({
  item,
  values,
  problems,
  checked,
  conflict,
  editable,
}: {
  item: Item;
  values?: Values[string];
  problems: EntryProblem[];
  /** What the browser's check of the typed fields found, by field name ("numerator.CODE"). */
  checked: Record<string, EntryProblem[] | undefined>;
  conflict?: Conflict;
  editable: boolean;
}) {
  const f = useFormat();
  const { t } = f;
  const current = item.current;
  const id = (name: string) => `${name}-${item.kpi}`;
  const initial = (name: "value" | "numerator" | "denominator" | "comment") => {
    if (values && values[name] !== undefined) return values[name] as string;
    if (!current) return "";
    if (name === "comment") return current.comment ?? "";
    const v = current[name];
    return v === null || v === undefined ? "" : String(v);
  };
  // Uncontrolled inputs: what is typed before the page's script has loaded is never reset; the
  // state only drives the preview of the value.
  const [numerator, setNumerator] = useState(initial("numerator"));
  const [denominator, setDenominator] = useState(initial("denominator"));
  // The browser's check of a field once it has been left, else what the server said of it.
  const errorFor = (fieldName: string) =>
    (checked[`${fieldName}.${item.kpi}`] ?? problems.filter((p) => p.field === fieldName)).map((p) => problemText(p, f));
  const preview = (() => {
    const n = parseNumber(ungroupTyped(numerator));
    const d = parseNumber(ungroupTyped(denominator));
    if (n === null || d === null || d <= 0) return null;
    return f.value(item.unit, item.unit === "percent" ? (100 * n) / d : n / d);
  })();
  const invalid = (fieldName: string) =>
    errorFor(fieldName).length > 0 ? { "aria-invalid": true as const, "aria-describedby": id(`${fieldName}-error`) } : {};
  const errors = (fieldName: string) =>
    errorFor(fieldName).length > 0 ? (
      <p className="field-error" id={id(`${fieldName}-error`)}>
        {errorFor(fieldName).join(" ")}
      </p>
    ) : null;
  const previous = item.previous ? f.value(item.unit, item.previous.value) : null;

  return (
    <fieldset className="kpi-entry" data-kpi={item.kpi}>
      <legend>{f.name(item.name)}</legend>
      <p className="entry-context muted">
        {previous !== null ? t("entry.lastMonth", { value: previous }) : t("entry.lastMonthNone")} ·{" "}
        {item.target ? t("entry.target", { value: f.value(item.unit, item.target.value), kind: t(`target.kind.${item.target.kind}`) }) : t("entry.noTarget")}
        {current ? (
          <>
            {" "}
            · <Link to={`/history/${current.id}`}>{t("entry.history")}</Link>
          </>
        ) : null}
      </p>
      {current?.status === "returned" && current.reviewComment ? (
        <p className="form-error" role="status">
          {t("entry.returned", { by: current.reviewedBy ?? "", comment: current.reviewComment })}
        </p>
      ) : null}
      {current?.status === "submitted" ? <p className="notice">{t("entry.awaiting", { date: f.dateTime(current.submittedAt ?? current.updatedAt) })}</p> : null}
      {current?.status === "approved" ? <p className="notice">{t("entry.approved", { source: t(`figure.source.${current.source}`) })}</p> : null}
      {conflict ? (
        <p className="form-error" role="alert">
          {t("entry.conflict", { value: f.value(item.unit, conflict.value), by: conflict.by, at: f.dateTime(conflict.at) })}
        </p>
      ) : null}
      <input type="hidden" name={`version.${item.kpi}`} value={values?.version ?? (current ? String(current.version) : "")} />
      {!editable ? (
        <p className="entry-readonly">{f.value(item.unit, current?.value ?? null)}</p>
      ) : item.measure === "ratio" ? (
        <div className="entry-ratio">
          <div className="field">
            <label htmlFor={id("numerator")}>{t("entry.numerator", { name: f.name(item.numeratorName) })}</label>
            <input id={id("numerator")} name={`numerator.${item.kpi}`} inputMode="decimal" dir="ltr" defaultValue={numerator} onChange={(e) => setNumerator(e.target.value)} {...invalid("numerator")} />
            {errors("numerator")}
          </div>
          <div className="field">
            <label htmlFor={id("denominator")}>{t("entry.denominator", { name: f.name(item.denominatorName) })}</label>
            <input id={id("denominator")} name={`denominator.${item.kpi}`} inputMode="decimal" dir="ltr" defaultValue={denominator} onChange={(e) => setDenominator(e.target.value)} {...invalid("denominator")} />
            {errors("denominator")}
          </div>
          <output className="entry-preview" aria-live="polite" htmlFor={`${id("numerator")} ${id("denominator")}`}>
            {preview !== null ? t("entry.valuePreview", { value: preview }) : null}
          </output>
          {errors("value")}
        </div>
      ) : item.unit === "yes-no" ? (
        <div className="field">
          <label htmlFor={id("value")}>{t("entry.value")}</label>
          <select id={id("value")} name={`value.${item.kpi}`} defaultValue={initial("value")} {...invalid("value")}>
            <option value="">{t("value.none")}</option>
            <option value="1">{t("entry.yes")}</option>
            <option value="0">{t("entry.no")}</option>
          </select>
          {errors("value")}
        </div>
      ) : (
        <div className="field">
          <label htmlFor={id("value")}>{t("entry.value")}</label>
          <input id={id("value")} name={`value.${item.kpi}`} inputMode="decimal" dir="ltr" defaultValue={initial("value")} {...invalid("value")} />
          {errors("value")}
        </div>
      )}
      {editable ? (
        <div className="field">
          <label htmlFor={id("comment")}>{t("entry.comment")}</label>
          <textarea id={id("comment")} name={`comment.${item.kpi}`} rows={2} defaultValue={initial("comment")} {...invalid("comment")} />
          {errors("comment")}
        </div>
      ) : null}
    </fieldset>
  );
}

/** Where a field's problem is shown: a ratio's value problems sit with its numerator. */
function fieldId(item: Item, field: string) {
  const name = field === "value" && item.measure === "ratio" ? "numerator" : field;
  return `${name}-${item.kpi}`;
}

/**
 * The GOV.UK error summary: how many problems, each a link to its field, at the top of the page
 * and focused, so a person using a screen reader or a phone hears and sees it first.
 */
function ErrorSummary({ items, problems, conflicts, saved }: { items: Item[]; problems: Record<string, EntryProblem[]>; conflicts: Record<string, Conflict>; saved: number }) {
  const f = useFormat();
  const { t } = f;
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), [problems, conflicts]);
  const entries = items.flatMap((item) => [
    ...(problems[item.kpi] ?? []).map((p) => ({ href: `#${fieldId(item, p.field)}`, text: `${f.name(item.name)}: ${problemText(p, f)}` })),
    ...(conflicts[item.kpi] ? [{ href: `#${fieldId(item, item.measure === "ratio" ? "numerator" : "value")}`, text: `${f.name(item.name)}: ${t("entry.conflictShort")}` }] : []),
  ]);
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={box} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{t("entry.problems", { n: entries.length })}</h2>
      <p>{saved > 0 ? t("entry.savedSome", { n: saved }) : t("entry.errors")}</p>
      <ul>
        {entries.map((e, i) => (
          <li key={i}>
            {/* Moves to the field without a navigation: the router would drop the answer, and with
                it every message on the page. Without JavaScript the link still jumps there. */}
            <a
              href={e.href}
              onClick={(event) => {
                const field = document.getElementById(e.href.slice(1));
                if (!field) return;
                event.preventDefault();
                field.scrollIntoView({ block: "center" });
                field.focus();
              }}
            >
              {e.text}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export default function EntryPage() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const f = useFormat();
  const { t } = f;
  const entity = f.name(page.entity);
  const month = f.period(page.period);
  const editableAtAll = page.canEnter && !page.locked;
  // Submitted and approved figures are read-only: a month with nothing left to change has no Save or Submit.
  const editable = (item: Item) => editableAtAll && !isReadOnlyForEntry(item.current?.status);
  const anyEditable = page.items.some(editable);
  // The same checks as the server's, run in the browser as each field is left (conform + zod).
  const [form] = useForm<EntryPost, EntryPost, EntryProblem[]>({
    id: "entry-form",
    onValidate: ({ formData }) =>
      parseWithZod(formData, {
        schema: entryChecks({ entity: page.entity.code, period: page.period, kpis: page.items.filter(editable).map(({ kpi, unit, measure }) => ({ code: kpi, unit, measure })) }),
        formatError: problemsOf,
        disableAutoCoercion: true,
      }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const hasErrors = result?.problems && Object.keys(result.problems).length > 0;
  const hasConflicts = result?.conflicts && Object.keys(result.conflicts).length > 0;
  const sizeText = f.number(page.maxUploadBytes / 1_048_576, 1) + " MB";

  return (
    <>
      <p className="breadcrumb">
        <Link to="/figures">{t("figures.title")}</Link>
      </p>
      <h1>{t("entry.title", { entity, month })}</h1>
      <p className="lead">
        {t("entry.intro", { entity })} {t("entry.due", { date: f.dateTime(page.due) })}
      </p>
      {page.locked ? <p className="notice" role="status">{t("entry.locked", { month })}</p> : null}
      {!page.canEnter ? <p className="notice">{t("entry.readOnly", { entity })}</p> : null}
      {result?.locked ? <p className="form-error" role="alert">{t("entry.locked", { month })}</p> : null}
      {params.get("saved") ? <p className="notice" role="status">{t("entry.saved", { count: Number(params.get("saved")) })}</p> : null}
      {params.get("submitted") ? (
        <p className="notice" role="status">
          {t("entry.submitted", { count: Number(params.get("submitted")) })}
          {params.get("late") ? ` ${t("entry.submittedLate", { date: f.dateTime(page.due) })}` : null}
        </p>
      ) : null}
      {page.late && anyEditable && !params.get("submitted") ? <p className="notice">{t("entry.lateNow", { date: f.dateTime(page.due) })}</p> : null}
      {params.get("uploaded") ? <p className="notice" role="status">{t("entry.uploaded", { count: Number(params.get("uploaded")) })}</p> : null}
      {hasErrors || hasConflicts ? <ErrorSummary items={page.items} problems={result?.problems ?? {}} conflicts={result?.conflicts ?? {}} saved={result?.saved ?? 0} /> : null}

      <Form
        method="post"
        className="entry-form"
        id={form.id}
        noValidate
        onSubmit={(event) => {
          // conform checks a field by submitting the form with its own intent button: that is
          // its to handle (it stops it). Save and Submit go to the server, which saves a draft's
          // good figures even when others are wrong.
          const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
          if (submitter?.name === CONFORM_INTENT) form.onSubmit(event);
        }}
      >
        <CsrfInput />
        {page.items.map((item) => (
          <KpiFields
            // A new version (a save, an upload) draws the fields again from what is stored: the
            // inputs are uncontrolled and would otherwise keep what they showed before.
            key={`${item.kpi}:${item.current?.version ?? 0}`}
            item={item}
            values={result?.values?.[item.kpi]}
            problems={result?.problems?.[item.kpi] ?? []}
            checked={form.allErrors}
            conflict={result?.conflicts?.[item.kpi]}
            editable={editable(item)}
          />
        ))}
        {anyEditable ? (
          <div className="entry-actions">
            <button type="submit" name="intent" value="save" className="secondary" disabled={busy}>
              {t("entry.save")}
            </button>
            <button type="submit" name="intent" value="submit" disabled={busy}>
              {t("entry.submit")}
            </button>
          </div>
        ) : null}
      </Form>

      {anyEditable ? (
        <section aria-labelledby="upload-title" className="card upload">
          <h2 id="upload-title">{t("entry.upload")}</h2>
          <p className="muted">{t("entry.uploadHelp")}</p>
          <p>
            <a href={`/figures/${page.entity.code}/${page.period}/template`} download>
              {t("entry.template")}
            </a>
          </p>
          {result?.tooLarge ? <p className="form-error" role="alert">{t("entry.tooLarge", { size: sizeText })}</p> : null}
          {result?.uploadErrors ? (
            <div className="form-error" role="alert">
              <p>{t("entry.uploadErrors", { count: result.uploadErrors.length })}</p>
              <ul>
                {result.uploadErrors.map((e, i) => (
                  <li key={i}>{fileErrorText(e, f)}</li>
                ))}
              </ul>
            </div>
          ) : null}
          <Form method="post" encType="multipart/form-data" className="stacked-form">
            <CsrfInput />
            <input type="hidden" name="openedAt" value={page.openedAt} />
            <label htmlFor="file">{t("entry.uploadField", { size: sizeText })}</label>
            <input id="file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required />
            <button type="submit" disabled={busy}>
              {t("entry.uploadSubmit")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
