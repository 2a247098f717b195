// A person's choice, for each kind of notice their role receives, of the inbox alone or the inbox
// and e-mail, and the language their e-mail is written in.
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireCsrf } from "~/auth/csrf.server";
import { requirePermission } from "~/auth/guard.server";
import { CsrfInput } from "~/components/csrf-input";
import { useFormat } from "~/components/format";
import { LOCALES, type Locale } from "~/i18n/locale";
import { KINDS_BY_ROLE, NOTICE_KINDS } from "~/notices/kinds";
import { preferencesOf, savePreferences } from "~/notices/outbox.server";
import { getUser } from "~/models/users.server";
import { db } from "~/utils/db.server";
import { readForm } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

const PERMISSION = "notices:read";

// The page offers a person the kinds of their role only (KINDS_BY_ROLE); the others' stored
// choices are kept as they are.

/** Each language named in itself: a reader of the other language still finds their own. */
const LANGUAGE_NAMES: Record<Locale, string> = { en: "English", ar: "العربية" };

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "notices.prefs.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requirePermission(request, PERMISSION);
  const email = preferencesOf(db(), user.id);
  const kinds = KINDS_BY_ROLE[user.role];
  return {
    kinds,
    email: kinds.filter((k) => email[k]),
    locale: getUser(db(), user.id)?.locale ?? "en",
  };
}

/** A form's several values of one name arrive as an array, one as a string, none as nothing. */
const many = (value: unknown) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const preferencesForm = z.object({
  email: z.preprocess(many, z.array(z.enum(NOTICE_KINDS, { error: "notices.prefs.error.kind" })).max(NOTICE_KINDS.length)),
  locale: z.enum(LOCALES, { error: "notices.prefs.error.locale" }),
});

type PrefsError = "notices.prefs.error.kind" | "notices.prefs.error.locale";
type ActionData =
  | { saved: true; errors: null; values: null }
  | { saved: false; errors: { email?: PrefsError; locale?: PrefsError }; values: { email: string[]; locale: string } };

export async function action({ request }: ActionFunctionArgs) {
  const user = requirePermission(request, PERMISSION);
  const form = await readForm(request);
  requireCsrf(request, form);
  const submission = parseWithZod(form, { schema: preferencesForm, disableAutoCoercion: true });
  if (submission.status !== "success") {
    const errors: { email?: PrefsError; locale?: PrefsError } = {};
    for (const [field, messages] of Object.entries(submission.error ?? {})) {
      const key = field.startsWith("email") ? "email" : field === "locale" ? "locale" : null;
      if (key && messages?.[0]) errors[key] ??= messages[0] as PrefsError;
    }
    if (!errors.email && !errors.locale) errors.locale = "notices.prefs.error.locale";
    const values = {
      email: form.getAll("email").filter((v): v is string => typeof v === "string").slice(0, NOTICE_KINDS.length),
      locale: String(form.get("locale") ?? "").slice(0, 8),
    };
    return data<ActionData>({ saved: false, errors, values }, { status: 400 });
  }
  const chosen = new Set(submission.value.email);
  // Kinds outside the person's role keep what is stored: the page did not offer them.
  const email = preferencesOf(db(), user.id);
  for (const kind of KINDS_BY_ROLE[user.role]) email[kind] = chosen.has(kind);
  savePreferences(db(), user.id, { email, locale: submission.value.locale });
  return data<ActionData>({ saved: true, errors: null, values: null });
}

export default function NoticePreferences() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useFormat();
  // After a refused post, what the person chose, not what is stored.
  const chosen = result?.values ?? { email: loaded.email as string[], locale: loaded.locale as string };
  const errors = result?.errors ?? {};
  const localeError = errors.locale ? t(errors.locale) : null;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/notices">{t("notices.prefs.back")}</Link>
      </p>
      <h1>{t("notices.prefs.title")}</h1>
      <p className="lead">{t("notices.prefs.intro")}</p>
      {result?.saved ? (
        <p className="notice" role="status">
          {t("notices.prefs.saved")}
        </p>
      ) : null}
      {result && !result.saved ? (
        <p className="form-error" role="alert">
          {t("notices.prefs.error")}
          {errors.email ? ` ${t(errors.email)}` : null}
        </p>
      ) : null}
      {/* A new key per answer: the boxes show what was saved, or what was chosen when refused. */}
      <Form method="post" className="stacked-form prefs-form" noValidate key={result ? JSON.stringify(chosen) : "stored"}>
        <CsrfInput />
        <fieldset className="prefs-kinds">
          <legend>{t("notices.prefs.kinds")}</legend>
          {loaded.kinds.length === 0 ? <p className="muted">{t("notices.prefs.none")}</p> : null}
          {loaded.kinds.map((kind) => (
            <div className="prefs-kind" key={kind}>
              <input
                type="checkbox"
                id={`email-${kind}`}
                name="email"
                value={kind}
                defaultChecked={chosen.email.includes(kind)}
                aria-describedby={`email-${kind}-about`}
              />
              <label htmlFor={`email-${kind}`}>{t("notices.prefs.alsoEmail", { kind: t(`notices.kind.${kind}`) })}</label>
              <p className="prefs-about muted" id={`email-${kind}-about`}>
                {t(`notices.kind.${kind}.about`)}
              </p>
            </div>
          ))}
        </fieldset>
        <fieldset className="prefs-locale" aria-describedby={localeError ? "locale-error" : undefined}>
          <legend>{t("notices.prefs.locale")}</legend>
          {LOCALES.map((locale) => (
            <div className="prefs-choice" key={locale}>
              <input
                type="radio"
                id={`locale-${locale}`}
                name="locale"
                value={locale}
                defaultChecked={chosen.locale === locale}
                aria-invalid={localeError ? true : undefined}
              />
              <label htmlFor={`locale-${locale}`} lang={locale}>
                {LANGUAGE_NAMES[locale]}
              </label>
            </div>
          ))}
          {localeError ? (
            <p className="field-error" id="locale-error">
              {localeError}
            </p>
          ) : null}
        </fieldset>
        <button type="submit">{t("notices.prefs.save")}</button>
      </Form>
    </>
  );
}
