import { parseWithZod } from "@conform-to/zod/v4";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { readForm } from "~/utils/http.server";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireCsrf } from "~/auth/csrf.server";
import { requirePermission } from "~/auth/guard.server";
import { hashPassword } from "~/auth/password.server";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "~/auth/password-rules";
import { newUserSchema } from "~/auth/user-form";
import { CsrfInput } from "~/components/csrf-input";
import { Field } from "~/components/field";
import { useFormat } from "~/components/format";
import { ActivityTable } from "~/components/activity-table";
import type { MessageId } from "~/i18n/messages";
import { listEntities } from "~/models/kpis.server";
import { createUser, findUserByEmail, listUsers, recentAuthEvents } from "~/models/users.server";
import { db } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { ROLES } from "../../db/schema";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.users.title");

export async function loader({ request }: LoaderFunctionArgs) {
  requirePermission(request, "users:manage");
  return {
    users: listUsers(db()),
    entities: listEntities(db()),
    events: recentAuthEvents(db(), 50),
  };
}

type Values = { email: string; name: string; role: string; entityCode: string };
type Errors = Partial<Record<keyof Values | "password", MessageId>>;

export async function action({ request }: ActionFunctionArgs) {
  const admin = requirePermission(request, "users:manage");
  const form = await readForm(request);
  requireCsrf(request, form);
  const values: Values = {
    email: String(form.get("email") ?? ""),
    name: String(form.get("name") ?? ""),
    role: String(form.get("role") ?? ""),
    entityCode: String(form.get("entityCode") ?? ""),
  };
  // The account form's one schema (app/auth/user-form.ts, shared with `kpi user add`), through conform.
  const parsed = parseWithZod(form, { schema: newUserSchema, disableAutoCoercion: true });
  const errors: Errors = {};
  if (parsed.status !== "success") {
    for (const [field, messages] of Object.entries(parsed.error ?? {})) {
      if (messages?.[0]) errors[field as keyof Errors] ??= messages[0] as MessageId;
    }
  } else {
    if (findUserByEmail(db(), parsed.value.email)) errors.email = "admin.error.emailTaken";
    if (parsed.value.entityCode && !listEntities(db()).some((e) => e.code === parsed.value.entityCode)) {
      errors.entityCode = "admin.error.entity";
    }
  }
  if (parsed.status !== "success" || Object.keys(errors).length > 0) {
    return data({ values, errors }, { status: 400 });
  }
  const user = createUser(
    db(),
    { ...parsed.value, passwordHash: await hashPassword(parsed.value.password) },
    admin.email,
    new Date(),
  );
  return redirect(`/admin/users?created=${encodeURIComponent(user.email)}`);
}

export default function Users() {
  const { users, entities, events } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const f = useFormat();
  const { t } = f;
  const created = params.get("created");
  const entityName = (code: string | null) => {
    const entity = entities.find((e) => e.code === code);
    return entity ? f.name(entity) : (code ?? t("value.none"));
  };
  const error = (field: keyof Errors) => {
    const id = result?.errors[field];
    return id ? t(id, { min: MIN_PASSWORD_LENGTH, max: MAX_PASSWORD_LENGTH }) : null;
  };

  return (
    <>
      <h1>{t("admin.users.title")}</h1>
      <p className="lead">{t("admin.users.intro")}</p>
      {created ? (
        <p className="notice" role="status">
          {t("admin.create.done", { email: created })}
        </p>
      ) : null}
      <div className="table-scroll">
        <table className="data-table">
          <caption className="visually-hidden">{t("admin.users.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("admin.col.email")}</th>
              <th scope="col">{t("admin.col.name")}</th>
              <th scope="col">{t("admin.col.role")}</th>
              <th scope="col">{t("admin.col.entity")}</th>
              <th scope="col">{t("admin.col.status")}</th>
              <th scope="col">{t("admin.col.lastSignIn")}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <th scope="row">
                  <Link to={`/admin/users/${user.id}`} dir="ltr">
                    {user.email}
                  </Link>
                </th>
                <td>{user.name}</td>
                <td>{t(`role.${user.role}`)}</td>
                <td>{user.entityCode ? entityName(user.entityCode) : t("value.none")}</td>
                <td>{user.disabledAt ? t("admin.status.disabled") : t("admin.status.active")}</td>
                <td>{user.lastSignIn ? f.dateTime(user.lastSignIn) : t("admin.never")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <section aria-labelledby="create-title">
        <h2 id="create-title">{t("admin.create.title")}</h2>
        {result?.errors ? (
          <p className="form-error" role="alert">
            {t("form.errorSummary")}
          </p>
        ) : null}
        <Form method="post" className="stacked-form" noValidate>
          <CsrfInput />
          <Field id="email" label={t("admin.field.email")} error={error("email")}>
            {(props) => <input {...props} name="email" type="email" dir="ltr" defaultValue={result?.values.email} />}
          </Field>
          <Field id="name" label={t("admin.field.name")} error={error("name")}>
            {(props) => <input {...props} name="name" defaultValue={result?.values.name} />}
          </Field>
          <Field id="role" label={t("admin.field.role")} error={error("role")}>
            {(props) => (
              <select {...props} name="role" defaultValue={result?.values.role ?? "focal-point"}>
                {ROLES.map((role) => (
                  <option key={role} value={role}>
                    {t(`role.${role}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="entityCode" label={t("admin.field.entity")} error={error("entityCode")}>
            {(props) => (
              <select {...props} name="entityCode" defaultValue={result?.values.entityCode ?? ""}>
                <option value="">{t("admin.field.entityNone")}</option>
                {entities.map((e) => (
                  <option key={e.code} value={e.code}>
                    {f.name(e)} ({e.code})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="password" label={t("admin.field.password", { min: MIN_PASSWORD_LENGTH })} error={error("password")}>
            {(props) => <input {...props} name="password" type="password" autoComplete="new-password" dir="ltr" />}
          </Field>
          <button type="submit">{t("admin.create.submit")}</button>
        </Form>
      </section>

      <section aria-labelledby="activity-title">
        <h2 id="activity-title">{t("admin.activity.title")}</h2>
        <ActivityTable events={events} />
      </section>
    </>
  );
}
