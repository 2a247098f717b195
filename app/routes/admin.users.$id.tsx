import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { readForm } from "~/utils/http.server";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireCsrf } from "~/auth/csrf.server";
import { requirePermission } from "~/auth/guard.server";
import { hashPassword } from "~/auth/password.server";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "~/auth/password-rules";
import { passwordSchema } from "~/auth/user-form";
import { ActivityTable } from "~/components/activity-table";
import { CsrfInput } from "~/components/csrf-input";
import { Field } from "~/components/field";
import { useFormat } from "~/components/format";
import type { MessageId } from "~/i18n/messages";
import { listEntities } from "~/models/kpis.server";
import { getUser, recentAuthEvents, setUserDisabled, setUserPassword } from "~/models/users.server";
import { db } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, "admin.users.title", data?.user.email);

function userFromParams(id: string | undefined) {
  const user = /^\d+$/.test(id ?? "") ? getUser(db(), Number(id)) : undefined;
  if (!user) throw new Response("User not found", { status: 404 });
  return user;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  requirePermission(request, "users:manage");
  const { passwordHash: _hash, ...user } = userFromParams(params.id);
  const entity = listEntities(db()).find((e) => e.code === user.entityCode) ?? null;
  return { user, entity, events: recentAuthEvents(db(), 30, user.id) };
}

type Result = { done?: MessageId; error?: MessageId };

export async function action({ request, params }: ActionFunctionArgs) {
  const admin = requirePermission(request, "users:manage");
  const form = await readForm(request);
  requireCsrf(request, form);
  const user = userFromParams(params.id);
  const now = new Date();
  switch (form.get("intent")) {
    case "disable":
      if (user.id === admin.id) return data<Result>({ error: "admin.error.self" }, { status: 400 });
      setUserDisabled(db(), user.id, true, admin.email, now);
      return data<Result>({ done: "admin.user.disabledDone" });
    case "enable":
      setUserDisabled(db(), user.id, false, admin.email, now);
      return data<Result>({ done: "admin.user.enabledDone" });
    case "reset-password": {
      const parsed = passwordSchema.safeParse(String(form.get("password") ?? ""));
      if (!parsed.success) return data<Result>({ error: "admin.error.password" }, { status: 400 });
      setUserPassword(db(), user.id, await hashPassword(parsed.data), admin.email, now);
      return data<Result>({ done: "admin.user.resetDone" });
    }
    default:
      throw new Response("Unknown action", { status: 400 });
  }
}

export default function UserPage() {
  const { user, entity, events } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const f = useFormat();
  const { t } = f;
  const passwordError = result?.error === "admin.error.password";

  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/users">{t("admin.user.back")}</Link>
      </p>
      <h1 dir="ltr" className="title-ltr">
        {user.email}
      </h1>
      {result?.done ? (
        <p className="notice" role="status">
          {t(result.done)}
        </p>
      ) : null}
      {result?.error && !passwordError ? (
        <p className="form-error" role="alert">
          {t(result.error)}
        </p>
      ) : null}
      <dl className="definition-list">
        <dt>{t("admin.col.name")}</dt>
        <dd>{user.name}</dd>
        <dt>{t("admin.col.role")}</dt>
        <dd>{t(`role.${user.role}`)}</dd>
        <dt>{t("admin.col.entity")}</dt>
        <dd>{entity ? f.name(entity) : t("value.none")}</dd>
        <dt>{t("admin.col.status")}</dt>
        <dd>{user.disabledAt ? t("admin.status.disabled") : t("admin.status.active")}</dd>
      </dl>
      <Form method="post" className="inline-form">
        <CsrfInput />
        {user.disabledAt ? (
          <button type="submit" name="intent" value="enable">
            {t("admin.user.enable")}
          </button>
        ) : (
          <button type="submit" name="intent" value="disable" className="danger">
            {t("admin.user.disable")}
          </button>
        )}
      </Form>

      <section aria-labelledby="reset-title">
        <h2 id="reset-title">{t("admin.user.resetTitle")}</h2>
        <Form method="post" className="stacked-form" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="reset-password" />
          <Field
            id="password"
            label={t("admin.user.resetField", { min: MIN_PASSWORD_LENGTH })}
            error={passwordError ? t("admin.error.password", { min: MIN_PASSWORD_LENGTH, max: MAX_PASSWORD_LENGTH }) : null}
          >
            {(props) => <input {...props} name="password" type="password" autoComplete="new-password" dir="ltr" />}
          </Field>
          <button type="submit">{t("admin.user.resetSubmit")}</button>
        </Form>
      </section>

      <section aria-labelledby="activity-title">
        <h2 id="activity-title">{t("admin.activity.title")}</h2>
        <ActivityTable events={events} />
      </section>
    </>
  );
}
