import { useRouteLoaderData } from "@remix-run/react";
import type { loader as rootLoader } from "../root";
import { useFormat } from "./format";

/** CSV, Excel and PDF of the page in view, for those who may export. */
export function ExportLinks({ query, printPath }: { query: Record<string, string>; printPath: string }) {
  const root = useRouteLoaderData<typeof rootLoader>("root");
  const f = useFormat();
  if (!root?.canExport) return null;
  const href = (format: string) => `/export?${new URLSearchParams({ ...query, format })}`;
  return (
    <nav className="export-links print-hide" aria-label={f.t("export.label")}>
      <a href={href("csv")} download>
        {f.t("export.csv")}
      </a>
      <a href={href("xlsx")} download>
        {f.t("export.xlsx")}
      </a>
      <a href={`/export/pdf?${new URLSearchParams({ path: printPath })}`}>{f.t("export.pdf")}</a>
    </nav>
  );
}
