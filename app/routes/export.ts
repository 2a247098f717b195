import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/auth/guard.server";
import { can } from "~/auth/permissions";
import { STRATEGY_KINDS, type StrategyKind } from "~/compliance/strategy-kinds";
import { tableCsv } from "~/exports/tables";
import { editionNote, entityExport, kpiExport, overviewExport, strategyExport, type ExportView } from "~/exports/views.server";
import { tablesXlsxStream, XLSX_TYPE } from "~/exports/xlsx.server";
import { formatterFor, intlFor } from "~/i18n/format";
import { resolveLocale } from "~/i18n/locale.server";
import { databaseFacts } from "~/models/kpis.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { periodFromRequest } from "~/utils/period-param.server";

/**
 * `/export?view=overview|entity|kpi|strategy&format=csv|xlsx&period=YYYY-MM[&code=…][&kind=…]`:
 * what a page shows, to take away. CSV carries the page's main table; XLSX every table.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = requirePermission(request, "reports:export");
  const url = new URL(request.url);
  const view = url.searchParams.get("view");
  const format = url.searchParams.get("format");
  const code = url.searchParams.get("code") ?? "";
  if (format !== "csv" && format !== "xlsx") throw new Response("format must be csv or xlsx", { status: 400 });
  const { period, first } = periodFromRequest(request, db());
  const locale = resolveLocale(request);
  const f = formatterFor(intlFor(locale));
  const round = { dueDay: env().FIGURES_DUE_DAY, now: new Date() };
  const visible = (entity: string) => can(user, "entity:read", entity);

  let exported: ExportView | null;
  switch (view) {
    case "overview":
      exported = overviewExport(db(), f, period, first, round, visible);
      break;
    case "entity":
      if (!can(user, "entity:read", code)) throw new Response("Forbidden", { status: 403 });
      exported = entityExport(db(), f, code, period, round);
      break;
    case "kpi":
      exported = kpiExport(db(), f, code, period, first, visible);
      break;
    case "strategy": {
      const kind = url.searchParams.get("kind") as StrategyKind;
      if (!(STRATEGY_KINDS as readonly string[]).includes(kind)) throw new Response("Unknown kind", { status: 400 });
      exported = strategyExport(db(), f, kind, code, period, visible);
      break;
    }
    default:
      throw new Response("view must be overview, entity, kpi or strategy", { status: 400 });
  }
  if (!exported) throw new Response("Not found", { status: 404 });

  const name = ["smart-compliance", view, code, period].filter(Boolean).join("-").replace(/[^A-Za-z0-9_.-]/g, "_");
  const headers = { "Cache-Control": "no-store", "Content-Disposition": `attachment; filename="${name}.${format}"` };
  if (format === "csv") {
    return new Response(tableCsv(exported.tables[0]), { headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" } });
  }
  // Streamed a row at a time: the workbook is never held whole in the server's memory.
  const workbook = tablesXlsxStream(
    exported.tables,
    {
      title: exported.title,
      period,
      filters: exported.filters,
      by: user.email,
      at: new Date().toISOString(),
      definitionsVersion: databaseFacts(db()).definitionsVersion,
      // The workbook says whether its month is published, as the page does.
      edition: editionNote(db(), f, period),
    },
    f,
  );
  return new Response(createReadableStreamFromReadable(workbook), { headers: { ...headers, "Content-Type": XLSX_TYPE } });
}
