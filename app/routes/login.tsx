import { data, redirect, type HeadersFunction, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { readForm } from "~/utils/http.server";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { requireCsrf } from "~/auth/csrf.server";
import { currentUser, homeFor, safeRedirect } from "~/auth/guard.server";
import { decoyHash, MAX_PASSWORD_LENGTH, verifyPassword } from "~/auth/password.server";
import { createSession, sessionCookie } from "~/auth/session.server";
import { CsrfInput } from "~/components/csrf-input";
import type { MessageId } from "~/i18n/messages";
import { useT } from "~/i18n/use-t";
import { databaseFacts } from "~/models/kpis.server";
import { claimLoginAttempt, findUserByEmail, settleLoginAttempt } from "~/models/users.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { pageTitle } from "~/utils/meta";

// Remix sends a route's headers only through this function: without it the lock-out's
// Retry-After never reached the response.
export const headers: HeadersFunction = ({ actionHeaders, parentHeaders }) => {
  const merged = new Headers(parentHeaders);
  const retryAfter = actionHeaders.get("Retry-After");
  if (retryAfter) merged.set("Retry-After", retryAfter);
  return merged;
};

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "login.title");

const MAX_EMAIL_LENGTH = 320;

export async function loader({ request }: LoaderFunctionArgs) {
  // No redirectTo: sign-in lands on the person's home (homeFor), known only once they are known.
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"), "");
  const user = currentUser(request);
  if (user) throw redirect(redirectTo || homeFor(user));
  return { redirectTo, demo: databaseFacts(db()).demo };
}

type LoginError = Extract<MessageId, `login.error.${string}`>;

interface ActionData {
  email: string;
  errors: { email?: LoginError; password?: LoginError; form?: LoginError };
  retryMinutes?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  requireCsrf(request, form);
  const email = String(form.get("email") ?? "").trim();
  const password = String(form.get("password") ?? "");
  const redirectTo = safeRedirect(form.get("redirectTo"), "");
  const now = new Date();
  const ip = context.clientIp ?? null;

  const errors: ActionData["errors"] = {};
  if (email.length > MAX_EMAIL_LENGTH) errors.email = "login.error.tooLong";
  else if (!email) errors.email = "login.error.emailRequired";
  if (password.length > MAX_PASSWORD_LENGTH) errors.password = "login.error.tooLong";
  else if (!password) errors.password = "login.error.passwordRequired";
  // Keep what was typed, trimmed to something sensible; the password is never sent back.
  const typed = email.slice(0, MAX_EMAIL_LENGTH);
  if (errors.email || errors.password) return data<ActionData>({ email: typed, errors }, { status: 400 });

  const attempt = claimLoginAttempt(db(), email, ip, now);
  const { throttle } = attempt;
  if (attempt.locked) {
    const retryMinutes = Math.ceil(throttle.retryAfterSeconds / 60);
    return data<ActionData>(
      { email: typed, errors: { form: "login.error.locked" }, retryMinutes },
      { status: 429, headers: { "Retry-After": String(throttle.retryAfterSeconds) } },
    );
  }
  if (throttle.slowdownSteps > 0) {
    await sleep(Math.min(env().LOGIN_SLOWDOWN_MS * 2 ** (throttle.slowdownSteps - 1), 4_000));
  }

  const user = findUserByEmail(db(), email);
  // An unknown address costs the same hashing time as a wrong password: the answer and its
  // timing do not tell which accounts exist.
  const valid = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !valid || user.disabledAt !== null) {
    settleLoginAttempt(db(), attempt.attemptId, { signedIn: false, userId: user?.id ?? null });
    return data<ActionData>({ email: typed, errors: { form: "login.error.invalid" } }, { status: 401 });
  }

  const { token } = createSession(db(), user.id, now);
  settleLoginAttempt(db(), attempt.attemptId, { signedIn: true, userId: user.id });
  return redirect(redirectTo || homeFor(user), { headers: { "Set-Cookie": sessionCookie(request, token) } });
}

export default function Login() {
  const { redirectTo, demo } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const password = useRef<HTMLInputElement>(null);
  // A refused password is not left in the field (without JavaScript the page reloads empty).
  useEffect(() => {
    if (result && password.current) password.current.value = "";
  }, [result]);
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const errors = result?.errors ?? {};
  const formError = errors.form ? t(errors.form, { minutes: result?.retryMinutes ?? 1 }) : null;

  return (
    <section className="login" aria-labelledby="login-title">
      <h1 id="login-title">{t("login.title")}</h1>
      <p className="lead">{t("login.intro")}</p>
      {formError ? (
        <p className="form-error" role="alert" id="login-error">
          {formError}
        </p>
      ) : null}
      <Form method="post" className="stacked-form" noValidate aria-describedby={formError ? "login-error" : undefined}>
        <CsrfInput />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <label htmlFor="email">{t("login.email")}</label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          dir="ltr"
          required
          defaultValue={result?.email ?? ""}
          aria-invalid={errors.email ? true : undefined}
          aria-describedby={errors.email ? "email-error" : undefined}
        />
        {errors.email ? (
          <p className="field-error" id="email-error">
            {t(errors.email)}
          </p>
        ) : null}
        <label htmlFor="password">{t("login.password")}</label>
        <input
          ref={password}
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          dir="ltr"
          required
          aria-invalid={errors.password ? true : undefined}
          aria-describedby={errors.password ? "password-error" : undefined}
        />
        {errors.password ? (
          <p className="field-error" id="password-error">
            {t(errors.password)}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {t("login.submit")}
        </button>
      </Form>
      {demo ? (
        // A note inside the page, not a landmark of its own (an <aside> in <main> confuses a
        // screen reader's list of landmarks).
        <div className="demo-accounts" role="note">
          <p>{t("login.demo")}</p>
          <ul dir="ltr">
            <li>admin@example.com</li>
            <li>executive@example.com</li>
            <li>analyst@example.com</li>
          </ul>
          <p>{t("login.demoFocal")}</p>
        </div>
      ) : null}
    </section>
  );
}
