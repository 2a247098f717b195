// exceljs, loaded the first time a workbook is written or read. Loading it costs a process about
// 27 MB that it keeps; most of the server's processes answer pages only and never need it.
import type * as ExcelJSModule from "exceljs";

export type ExcelJS = typeof ExcelJSModule;

let loading: Promise<ExcelJS> | undefined;

export function loadExcelJS(): Promise<ExcelJS> {
  // A CommonJS package: its exports are the module's default.
  loading ??= import("exceljs").then((m) => (m as unknown as { default: ExcelJS }).default ?? m);
  return loading;
}
