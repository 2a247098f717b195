// Tables as an Excel workbook: an "About" sheet first, then a sheet per table with a frozen
// header, number formats, and right-to-left sheets for Arabic readers.
import ExcelJS from "exceljs";
import type { Formatter } from "../i18n/format";
import type { ColumnType, Table } from "./tables";

const FORMATS: Record<ColumnType, string | undefined> = {
  text: undefined,
  number: "#,##0.##",
  // Percent KPIs are in points (80 = 80%): shown with a % sign, not multiplied by 100.
  percent: '0.0"%"',
  share: "0.0%",
  count: "#,##0",
};

export interface About {
  title: string;
  period: string;
  filters: string;
  by: string;
  at: string;
  definitionsVersion: string | null;
}

export async function tablesXlsx(tables: Table[], about: About, f: Formatter): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = about.by;
  workbook.created = new Date(about.at);
  const rightToLeft = f.locale === "ar";

  const info = workbook.addWorksheet(f.t("export.about"), { views: [{ rightToLeft }] });
  info.columns = [{ width: 28 }, { width: 60 }];
  const facts: Array<[string, string]> = [
    [f.t("export.what"), about.title],
    [f.t("figures.col.month"), about.period],
    [f.t("export.filters"), about.filters || f.t("value.none")],
    [f.t("export.by"), about.by],
    [f.t("export.at"), f.dateTime(about.at)],
    [f.t("export.version"), about.definitionsVersion ?? f.t("value.none")],
  ];
  for (const fact of facts) info.addRow(fact);
  info.getColumn(1).font = { bold: true };

  for (const table of tables) {
    const sheet = workbook.addWorksheet(table.name.slice(0, 31), {
      views: [{ state: "frozen", ySplit: 1, rightToLeft }],
    });
    sheet.columns = table.columns.map((c) => ({
      header: c.header,
      key: c.key,
      width: Math.min(60, Math.max(12, c.header.length + 2)),
      style: FORMATS[c.type] ? { numFmt: FORMATS[c.type] } : {},
    }));
    sheet.getRow(1).font = { bold: true };
    for (const row of table.rows) sheet.addRow(row);
  }
  return Buffer.from((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
}

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
