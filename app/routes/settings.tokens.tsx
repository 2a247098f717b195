import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { readForm } from "~/utils/http.server";
import { hasControlCharacters } from "~/figures/rules";
import { z } from "zod";
import { requireCsrf } from "~/auth/csrf.server";
import { requirePermission } from "~/auth/guard.server";
import { can } from "~/auth/permissions";
import { CsrfInput } from "~/components/csrf-input";
import { Field } from "~/components/field";
import { useFormat } from "~/components/format";
import { createToken, listTokens, revokeToken } from "~/models/tokens.server";
import { db } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";

// Tokens act with their owner's permissions through the API. The read API is a download by other
// means, for those who may export reports (analysts and administrators); focal points hold tokens
// so that their entity's systems can send its figures (POST /api/v1/figures), and read what their
// own permissions let them read: the city's figures and their entity's. The API itself honours a
// valid token whoever holds it, with the owner's permissions as they are now.
const PERMISSION = "tokens:manage";
const MAX_NAME_LENGTH = 100;

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "tokens.title");

// A new token is in the action's answer: no cache, shared or the browser's, may keep it.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

const createSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, { error: "tokens.error.name" })
    .max(MAX_NAME_LENGTH, { error: "tokens.error.name" })
    .refine((name) => !hasControlCharacters(name), { error: "tokens.error.name" }),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requirePermission(request, PERMISSION);
  return {
    tokens: listTokens(db(), user.id),
    // Only those who enter figures may send them; the page names the endpoint for them alone.
    sendsFigures: user.entityCode !== null && can(user, "figures:enter", user.entityCode),
  };
}

type Errors = { name?: "tokens.error.name" };

export async function action({ request }: ActionFunctionArgs) {
  const user = requirePermission(request, PERMISSION);
  const form = await readForm(request);
  requireCsrf(request, form);
  const intent = form.get("intent");

  if (intent === "revoke") {
    const tokenId = Number(form.get("tokenId"));
    if (!Number.isSafeInteger(tokenId) || tokenId < 1) throw new Response("Bad token id", { status: 400 });
    // Someone else's token is as good as missing: 404 either way, nothing revealed.
    if (!revokeToken(db(), user.id, tokenId, new Date())) throw new Response("Not found", { status: 404 });
    return redirect("/settings/tokens");
  }

  if (intent === "create") {
    const values = { name: String(form.get("name") ?? "") };
    const parsed = createSchema.safeParse(values);
    if (!parsed.success) {
      const errors: Errors = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as keyof Errors;
        errors[field] ??= issue.message as "tokens.error.name";
      }
      return data({ values, errors, created: null }, { status: 400 });
    }
    const { token, row } = createToken(db(), user.id, parsed.data.name, new Date());
    // Shown once, in this answer only; the database keeps its hash.
    return data(
      { values: null, errors: null, created: { token, name: row.name, prefix: row.prefix } },
      { headers: { "Cache-Control": "no-store" } },
    );
  }

  throw new Response("Unknown intent", { status: 400 });
}


export default function Tokens() {
  const { tokens, sendsFigures } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const f = useFormat();
  const { t } = f;
  const nameError = result?.errors?.name ? t(result.errors.name, { max: MAX_NAME_LENGTH }) : null;

  return (
    <>
      <h1>{t("tokens.title")}</h1>
      <p className="lead">{t("tokens.intro")}</p>
      <dl>
        <dt>
          <code dir="ltr">GET /api/v1/report?period=YYYY-MM</code>
        </dt>
        <dd>{t("tokens.endpoint.report")}</dd>
        <dt>
          <code dir="ltr">GET /api/v1/figures?from=YYYY-MM&amp;to=YYYY-MM&amp;entity=CODE&amp;kpi=CODE&amp;limit=N&amp;cursor=…</code>
        </dt>
        <dd>{t("tokens.endpoint.figures")}</dd>
        {sendsFigures ? (
          <>
            <dt>
              <code dir="ltr">POST /api/v1/figures?submit=true|false&amp;dryRun=true|false</code>
            </dt>
            <dd>{t("tokens.endpoint.send")}</dd>
          </>
        ) : null}
      </dl>

      {result?.created ? (
        <section className="notice" aria-labelledby="created-title">
          <h2 id="created-title">{t("tokens.created.title", { name: result.created.name })}</h2>
          <p>
            <output aria-labelledby="created-title" dir="ltr">
              <code>{result.created.token}</code>
            </output>
          </p>
          <p>{t("tokens.created.note")}</p>
        </section>
      ) : null}

      {tokens.length === 0 ? (
        <p className="empty-state">{t("tokens.none")}</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">{t("tokens.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("tokens.col.name")}</th>
                <th scope="col">{t("tokens.col.prefix")}</th>
                <th scope="col">{t("tokens.col.created")}</th>
                <th scope="col">{t("tokens.col.lastUsed")}</th>
                <th scope="col">{t("tokens.col.status")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("tokens.col.action")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => (
                <tr key={token.id}>
                  <th scope="row">{token.name}</th>
                  <td>
                    <code dir="ltr">{token.prefix}…</code>
                  </td>
                  <td>{f.dateTime(token.createdAt)}</td>
                  <td>{token.lastUsedAt ? f.dateTime(token.lastUsedAt) : t("tokens.never")}</td>
                  <td>
                    {token.revokedAt
                      ? t("tokens.revokedAt", { date: f.dateTime(token.revokedAt) })
                      : t("tokens.active")}
                  </td>
                  <td>
                    {token.revokedAt ? null : (
                      <Form method="post">
                        <CsrfInput />
                        <input type="hidden" name="tokenId" value={token.id} />
                        <button
                          type="submit"
                          name="intent"
                          value="revoke"
                          className="danger"
                          aria-label={t("tokens.revokeLabel", { name: token.name })}
                        >
                          {t("tokens.revoke")}
                        </button>
                      </Form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <section aria-labelledby="create-title">
        <h2 id="create-title">{t("tokens.create.title")}</h2>
        <Form method="post" className="stacked-form" noValidate>
          <CsrfInput />
          <Field id="name" label={t("tokens.field.name")} error={nameError}>
            {(props) => (
              <input
                {...props}
                name="name"
                required
                maxLength={MAX_NAME_LENGTH}
                autoComplete="off"
                defaultValue={result?.values?.name}
              />
            )}
          </Field>
          <button type="submit" name="intent" value="create">
            {t("tokens.create.submit")}
          </button>
        </Form>
      </section>
    </>
  );
}
