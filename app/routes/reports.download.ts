import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import ExcelJS from "exceljs";
import { requirePermission } from "~/auth/guard.server";
import { parseSpec, reportChunks, reportColumns, reportCsv } from "~/exports/builder.server";
import { neutralise } from "~/exports/tables";
import { XLSX_TYPE } from "~/exports/xlsx.server";
import { formatterFor, intlFor } from "~/i18n/format";
import { resolveLocale } from "~/i18n/locale.server";
import { db } from "~/utils/db.server";
import { periodFromRequest } from "~/utils/period-param.server";

/**
 * The report builder's download, streamed a chunk of rows at a time with a turn of the event loop
 * between chunks: the whole history exports without the server holding the file in memory, and
 * other requests are answered while it runs.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  requirePermission(request, "reports:export");
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

  const columns = reportColumns(db(), f, spec);
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
  const sheet = workbook.addWorksheet(spec.shape, { views: [{ state: "frozen", ySplit: 1, rightToLeft: f.locale === "ar" }] });
  sheet.columns = columns.map((c) => ({
    header: c.header,
    key: c.key,
    width: Math.max(12, c.header.length + 2),
    style: c.type === "share" ? { numFmt: "0.0%" } : c.type === "number" ? { numFmt: "#,##0.##" } : {},
  }));
  void (async () => {
    // A turn of the event loop before each chunk (reportChunks), so the response drains and
    // other requests run; cells go in as an array in the columns' order.
    for await (const chunk of reportChunks(db(), f, spec)) {
      for (const row of chunk) sheet.addRow(columns.map((c) => neutralise(row[c.key] ?? null))).commit();
    }
    sheet.commit();
    await workbook.commit();
  })().catch((error) => out.destroy(error as Error));
  return new Response(createReadableStreamFromReadable(out), { headers: { ...headers, "Content-Type": XLSX_TYPE } });
}
