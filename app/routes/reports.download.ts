import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import ExcelJS from "exceljs";
import { requirePermission } from "~/auth/guard.server";
import { parseSpec, reportColumns, reportRows } from "~/exports/builder.server";
import { CSV_BOM, csvHeader, csvRow, neutralise } from "~/exports/tables";
import { XLSX_TYPE } from "~/exports/xlsx.server";
import { formatterFor, intlFor } from "~/i18n/format";
import { resolveLocale } from "~/i18n/locale.server";
import { db } from "~/utils/db.server";
import { periodFromRequest } from "~/utils/period-param.server";

/**
 * The report builder's download, streamed a month at a time: the whole history exports without
 * the server holding the file in memory.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  requirePermission(request, "reports:export");
  const url = new URL(request.url);
  const { first, last } = periodFromRequest(request, db());
  const spec = parseSpec(url.searchParams, { from: first, to: last });
  if ("error" in spec) throw new Response(spec.error, { status: 400 });
  const format = url.searchParams.get("format") === "xlsx" ? "xlsx" : "csv";
  const f = formatterFor(intlFor(resolveLocale(request)));
  const columns = reportColumns(db(), f, spec);
  const rows = reportRows(db(), f, spec);
  const headers = {
    "Cache-Control": "no-store",
    "Content-Disposition": `attachment; filename="smart-compliance-${spec.shape}-${spec.from}-${spec.to}.${format}"`,
  };

  if (format === "csv") {
    const encoder = new TextEncoder();
    let started = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(CSV_BOM + csvHeader(columns)));
          return;
        }
        const next = rows.next();
        if (next.done) return controller.close();
        controller.enqueue(encoder.encode(next.value.map((r) => csvRow(columns, r)).join("")));
      },
    });
    return new Response(stream, { headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" } });
  }

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
    for (const batch of rows) {
      for (const row of batch) sheet.addRow(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, neutralise(v)]))).commit();
      // Let the response drain between months.
      await new Promise((resolve) => setImmediate(resolve));
    }
    sheet.commit();
    await workbook.commit();
  })().catch((error) => out.destroy(error as Error));
  return new Response(createReadableStreamFromReadable(out), { headers: { ...headers, "Content-Type": XLSX_TYPE } });
}
