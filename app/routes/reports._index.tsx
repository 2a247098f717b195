import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useLocation } from "@remix-run/react";
import { requirePermission } from "~/auth/guard.server";
import { parseSpec, reportColumns, reportRows } from "~/exports/builder.server";
import type { Unit } from "~/definitions/schema";
import { CheckboxFilterList } from "~/components/checkbox-filter-list";
import { useFormat } from "~/components/format";
import { TableScroll } from "~/components/table-scroll";
import { formatterFor, intlFor } from "~/i18n/format";
import { resolveLocale } from "~/i18n/locale.server";
import { listEntities, listKpis } from "~/models/kpis.server";
import { db } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { periodFromRequest } from "~/utils/period-param.server";
import * as s from "../../db/schema";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "reports.title");

const PREVIEW_ROWS = 20;

export async function loader({ request }: LoaderFunctionArgs) {
  requirePermission(request, "reports:export");
  const url = new URL(request.url);
  // The builder opens on the month the pages open on: the latest with most of its figures
  // approved, not a month with a handful approved early.
  const { first, last, period } = periodFromRequest(request, db());
  const spec = parseSpec(url.searchParams, { from: period, to: period });
  const f = formatterFor(intlFor(resolveLocale(request)));
  const scopes = {
    pillars: db().select({ code: s.pillars.code, nameEn: s.pillars.nameEn, nameAr: s.pillars.nameAr }).from(s.pillars).all(),
    initiatives: db().select({ code: s.initiatives.code, nameEn: s.initiatives.nameEn, nameAr: s.initiatives.nameAr }).from(s.initiatives).all(),
    policies: db().select({ code: s.policies.code, nameEn: s.policies.nameEn, nameAr: s.policies.nameAr }).from(s.policies).all(),
  };
  const options = {
    first,
    last,
    period,
    entities: listEntities(db()).map(({ code, nameEn, nameAr }) => ({ code, nameEn, nameAr })),
    kpis: listKpis(db()).map(({ code, nameEn, nameAr }) => ({ code, nameEn, nameAr })),
    scopes,
  };
  if ("error" in spec) return { options, error: spec.error, spec: null, columns: [], preview: [], query: "" };
  // The preview reads only as many months as it takes to fill it.
  const preview: Array<Record<string, string | number | null>> = [];
  for (const batch of reportRows(db(), f, spec)) {
    preview.push(...batch.slice(0, PREVIEW_ROWS - preview.length));
    if (preview.length >= PREVIEW_ROWS) break;
  }
  const query = new URLSearchParams(url.searchParams);
  query.delete("format");
  return { options, error: null, spec, columns: reportColumns(db(), f, spec), preview, query: query.toString() };
}

export default function Reports() {
  const { options, error, spec, columns, preview, query } = useLoaderData<typeof loader>();
  const f = useFormat();
  const { t } = f;
  const { search } = useLocation();
  return (
    <>
      <h1>{t("reports.title")}</h1>
      <p className="lead">{t("reports.intro")}</p>
      {/* Keyed by the address: after a preview (or Back), every field starts again from the
          choice in the address, as defaultValue and defaultChecked only apply to a new form. */}
      <Form method="get" className="report-form card" key={search}>
        <div className="field">
          <label htmlFor="from">{t("reports.from")}</label>
          <input id="from" name="from" type="month" defaultValue={spec?.from ?? options.period} min={options.first} max={options.last} />
        </div>
        <div className="field">
          <label htmlFor="to">{t("reports.to")}</label>
          <input id="to" name="to" type="month" defaultValue={spec?.to ?? options.period} min={options.first} max={options.last} />
        </div>
        <div className="report-lists">
          <CheckboxFilterList
            name="entity"
            legend={t("reports.entities")}
            filterLabel={t("reports.filterEntities")}
            options={options.entities}
            chosen={spec?.entities ?? []}
          />
          <CheckboxFilterList name="kpi" legend={t("reports.kpis")} filterLabel={t("reports.filterKpis")} options={options.kpis} chosen={spec?.kpis ?? []} />
        </div>
        <div className="field">
          <label htmlFor="scope">{t("reports.scope")}</label>
          <select id="scope" name="scope" defaultValue={spec?.scope ? `${spec.scope.kind}:${spec.scope.code}` : ""}>
            <option value="">{t("reports.scopeAll")}</option>
            {(["pillars", "initiatives", "policies"] as const).map((kind) => (
              <optgroup key={kind} label={t(`col.${kind}`)}>
                {options.scopes[kind].map((item) => (
                  <option key={item.code} value={`${kind}:${item.code}`}>
                    {f.name(item)}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <fieldset className="field">
          <legend>{t("reports.shape")}</legend>
          <label>
            <input type="radio" name="shape" value="long" defaultChecked={spec?.shape !== "wide"} /> {t("reports.long")}
          </label>
          <label>
            <input type="radio" name="shape" value="wide" defaultChecked={spec?.shape === "wide"} /> {t("reports.wide")}
          </label>
        </fieldset>
        <button type="submit">{t("reports.preview")}</button>
      </Form>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {spec ? (
        <section aria-labelledby="preview-title">
          <h2 id="preview-title">{t("reports.previewTitle")}</h2>
          <nav className="export-links" aria-label={t("export.label")}>
            <a href={`/reports/download?${query}&format=csv`} download>
              {t("export.csv")}
            </a>
            <a href={`/reports/download?${query}&format=xlsx`} download>
              {t("export.xlsx")}
            </a>
          </nav>
          {preview.length === 0 ? (
            <p className="empty-state">{t("reports.empty")}</p>
          ) : (
            <TableScroll labelledBy="preview-title">
              <table className="data-table compact">
                <caption className="visually-hidden">{t("reports.previewTitle")}</caption>
                <thead>
                  <tr>
                    {columns.map((c) => (
                      <th scope="col" key={c.key}>
                        {c.header}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {preview.map((row, i) => (
                    <tr key={i}>
                      {columns.map((c) => {
                        const v = row[c.key];
                        return (
                          <td key={c.key} className={typeof v === "number" ? "number" : undefined}>
                            {v === null || v === undefined
                              ? ""
                              : typeof v === "number"
                                ? c.type === "share"
                                  ? f.share(v)
                                  : c.type === "value"
                                    ? f.value(row[c.unitOf!] as Unit, v)
                                    : f.number(v)
                                : v}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </section>
      ) : null}
    </>
  );
}
