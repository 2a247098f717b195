// A person chooses their own password: at will, and before anything else after an
// administrator's reset or a password printed by `kpi user add`.
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireCsrf } from "~/auth/csrf.server";
import { requireUser, safeRedirect } from "~/auth/guard.server";
import { hashPassword, verifyPassword } from "~/auth/password.server";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "~/auth/password-rules";
import { passwordSchema } from "~/auth/user-form";
import { CsrfInput } from "~/components/csrf-input";
import { Field } from "~/components/field";
import { useT } from "~/i18n/use-t";
import type { MessageId } from "~/i18n/messages";
import { changeOwnPassword, claimLoginAttempt, getUser, settleLoginAttempt } from "~/models/users.server";
import { db } from "~/utils/db.server";
import { readForm } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "password.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"));
  return { mustChange: user.mustChangePassword, redirectTo, changed: new URL(request.url).searchParams.has("changed") };
}

type PasswordError = Extract<MessageId, `password.error.${string}`>;
interface ActionData {
  errors: { current?: PasswordError; next?: PasswordError; confirm?: PasswordError; form?: PasswordError };
  retryMinutes?: number;
}

/** Changing one's own password: the current one, a new one of the allowed length, the same twice. */
const passwordChangeForm = z
  .object({
    current: z.string().default(""),
    next: z.string().default(""),
    confirm: z.string().default(""),
  })
  .superRefine(({ current, next, confirm }, issues) => {
    const at = (field: string, message: string) => issues.addIssue({ code: "custom", path: [field], message });
    if (!current) at("current", "password.error.currentRequired");
    if (!passwordSchema.safeParse(next).success) at("next", "password.error.length");
    else if (next === current) at("next", "password.error.same");
    if (confirm !== next) at("confirm", "password.error.confirm");
  });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireUser(request);
  const form = await readForm(request);
  requireCsrf(request, form);
  const redirectTo = safeRedirect(form.get("redirectTo"));
  const submission = parseWithZod(form, { schema: passwordChangeForm, disableAutoCoercion: true });
  if (submission.status !== "success") {
    const errors: ActionData["errors"] = {};
    for (const field of ["current", "next", "confirm"] as const) {
      const message = submission.error?.[field]?.[0];
      if (message) errors[field] = message as NonNullable<ActionData["errors"][typeof field]>;
    }
    return data<ActionData>({ errors }, { status: 400 });
  }
  const { current, next } = submission.value;

  // Guessing the current password from a stolen session counts against the same lock-out as
  // guessing it at the sign-in page.
  const now = new Date();
  const attempt = claimLoginAttempt(db(), user.email, context.clientIp ?? null, now);
  if (attempt.locked) {
    const retryMinutes = Math.ceil(attempt.throttle.retryAfterSeconds / 60);
    return data<ActionData>(
      { errors: { form: "password.error.locked" }, retryMinutes },
      { status: 429, headers: { "Retry-After": String(attempt.throttle.retryAfterSeconds) } },
    );
  }
  const stored = getUser(db(), user.id);
  const valid = stored ? await verifyPassword(current, stored.passwordHash) : false;
  settleLoginAttempt(db(), attempt.attemptId, { signedIn: valid, userId: user.id });
  if (!valid) return data<ActionData>({ errors: { current: "password.error.current" } }, { status: 400 });

  changeOwnPassword(db(), user.id, await hashPassword(next), user.sessionId, new Date());
  return redirect(redirectTo === "/" ? "/settings/password?changed" : redirectTo);
}

export default function ChangePassword() {
  const { mustChange, redirectTo, changed } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const errors = result?.errors ?? {};
  const message = (id: PasswordError | undefined) =>
    id ? t(id, { min: MIN_PASSWORD_LENGTH, max: MAX_PASSWORD_LENGTH, minutes: result?.retryMinutes ?? 1 }) : null;
  const count = Object.keys(errors).length;
  return (
    <section className="login" aria-labelledby="password-title">
      <h1 id="password-title">{t("password.title")}</h1>
      {changed ? (
        <p className="notice" role="status">
          {t("password.changed")}
        </p>
      ) : null}
      <p className="lead">{mustChange ? t("password.mustChange") : t("password.intro")}</p>
      {count > 0 ? (
        <p className="form-error" role="alert">
          {errors.form ? message(errors.form) : t("password.error.summary", { count })}
        </p>
      ) : null}
      <Form method="post" className="stacked-form" noValidate>
        <CsrfInput />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <Field id="current" label={t("password.current")} error={message(errors.current)}>
          {(props) => <input {...props} name="current" type="password" autoComplete="current-password" dir="ltr" required />}
        </Field>
        <Field id="next" label={t("password.next", { min: MIN_PASSWORD_LENGTH })} error={message(errors.next)}>
          {(props) => (
            <input {...props} name="next" type="password" autoComplete="new-password" dir="ltr" minLength={MIN_PASSWORD_LENGTH} maxLength={MAX_PASSWORD_LENGTH} required />
          )}
        </Field>
        <Field id="confirm" label={t("password.confirm")} error={message(errors.confirm)}>
          {(props) => <input {...props} name="confirm" type="password" autoComplete="new-password" dir="ltr" required />}
        </Field>
        <button type="submit">{t("password.submit")}</button>
      </Form>
    </section>
  );
}
