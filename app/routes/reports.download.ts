import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/auth/guard.server";
import { describeSpec, parseSpec, reportChunks, reportColumns, reportCsv } from "~/exports/builder.server";
import { editionNote } from "~/exports/views.server";
import { tablesXlsxStream, XLSX_TYPE } from "~/exports/xlsx.server";
import { formatterFor, intlFor } from "~/i18n/format";
import { resolveLocale } from "~/i18n/locale.server";
import { databaseFacts } from "~/models/kpis.server";
import { db } from "~/utils/db.server";
import { periodFromRequest } from "~/utils/period-param.server";

/**
 * The report builder's download, streamed a chunk of rows at a time with a turn of the event loop
 * between chunks: the whole history exports without the server holding the file in memory, and
 * other requests are answered while it runs.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = requirePermission(request, "reports:export");
  const url = new URL(request.url);
  const { first, last } = periodFromRequest(request, db());
  const spec = parseSpec(url.searchParams, { from: first, to: last });
  if ("error" in spec) throw new Response(spec.error, { status: 400 });
  const format = url.searchParams.get("format") === "xlsx" ? "xlsx" : "csv";
  const f = formatterFor(intlFor(resolveLocale(request)));
  const headers = {
    "Cache-Control": "no-store",
    "Content-Disposition": `attachment; filename="smart-compliance-${spec.shape}-${spec.from}-${spec.to}.${format}"`,
  };

  if (format === "csv") {
    return new Response(reportCsv(db(), f, spec), { headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" } });
  }

  // The same workbook as a page's: an About sheet first, then the report's sheet, its rows
  // written as the chunks come (a turn of the event loop before each, in reportChunks).
  const workbook = tablesXlsxStream(
    [
      {
        name: f.t(spec.shape === "wide" ? "export.sheet.compliance" : "export.sheet.figures"),
        title: f.t("reports.title"),
        columns: reportColumns(db(), f, spec),
        chunks: reportChunks(db(), f, spec),
      },
    ],
    {
      title: f.t("reports.title"),
      period: spec.from === spec.to ? spec.from : `${spec.from} – ${spec.to}`,
      filters: describeSpec(db(), f, spec),
      by: user.email,
      at: new Date().toISOString(),
      definitionsVersion: databaseFacts(db()).definitionsVersion,
      edition: editionNote(db(), f, spec.from, spec.to),
    },
    f,
  );
  return new Response(createReadableStreamFromReadable(workbook), { headers: { ...headers, "Content-Type": XLSX_TYPE } });
}
