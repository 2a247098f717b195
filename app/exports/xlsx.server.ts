// Tables as an Excel workbook: an "About" sheet first, then a sheet per table with a frozen
// header, number formats, and right-to-left sheets for Arabic readers. Written with exceljs's
// streaming writer, a row at a time, so the server never holds the whole workbook as objects.
import { PassThrough, type Readable } from "node:stream";
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

/** Rows written between two turns of the event loop: other requests run while a big sheet is written. */
const ROWS_PER_TURN = 2000;

export interface About {
  title: string;
  period: string;
  filters: string;
  by: string;
  at: string;
  definitionsVersion: string | null;
  /** "Published 12 January 2019 · edition 1", or that the month is provisional. */
  edition: string;
}

/**
 * The workbook as a stream of bytes. Writing starts on the next turn of the event loop; an
 * error while writing destroys the stream with it.
 */
export function tablesXlsxStream(tables: Table[], about: About, f: Formatter): Readable {
  const out = new PassThrough();
  // Shared strings, as the in-memory writer had: inline strings would be written as formula
  // results (t="str"), and an empty text cell would read back as no value. The table holds
  // every string already, so the list costs next to nothing.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: true });
  workbook.creator = about.by;
  workbook.created = new Date(about.at);
  workbook.modified = workbook.created;
  const rightToLeft = f.locale === "ar";

  const write = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    const info = workbook.addWorksheet(f.t("export.about"), { views: [{ rightToLeft }] });
    info.columns = [{ width: 28 }, { width: 60 }];
    const facts: Array<[string, string]> = [
      [f.t("export.what"), about.title],
      [f.t("figures.col.month"), about.period],
      [f.t("export.edition"), about.edition],
      [f.t("export.filters"), about.filters || f.t("value.none")],
      [f.t("export.by"), about.by],
      [f.t("export.at"), f.dateTime(about.at)],
      [f.t("export.version"), about.definitionsVersion ?? f.t("value.none")],
    ];
    for (const fact of facts) info.addRow(fact);
    // Bold the whole first column (its cells and the column's style), then write the sheet.
    info.getColumn(1).font = { bold: true };
    info.commit();

    let written = 0;
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
      sheet.getRow(1).commit();
      const keys = table.columns.map((c) => c.key);
      // exceljs gives every cell its own copy of the column's style and then renders each copy
      // to find its style id, which is most of the writing time; a style object it has seen
      // before is looked up by identity instead. So the cells of a column share one object, equal
      // to the copy exceljs makes. Without a number format a number's style differs from a
      // text's (General), so those keep their own copy.
      const styles = table.columns.map((c) => (FORMATS[c.type] ? { numFmt: FORMATS[c.type] } : {}));
      const plain = table.columns.map((c) => !FORMATS[c.type]);
      for (const row of table.rows) {
        // Cells in the columns' order; a key the row lacks stays an absent cell, as before.
        const values = keys.map((k) => row[k]);
        const added = sheet.addRow(values);
        for (let i = 0; i < values.length; i++) {
          const cell = added.findCell(i + 1);
          if (cell && !(plain[i] && typeof values[i] === "number")) cell.style = styles[i];
        }
        added.commit();
        if (++written % ROWS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      sheet.commit();
    }
    await workbook.commit();
  };
  write().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return out;
}

/** The whole workbook in one buffer (tests, and callers that need the bytes at once). */
export async function tablesXlsx(tables: Table[], about: About, f: Formatter): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of tablesXlsxStream(tables, about, f)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
