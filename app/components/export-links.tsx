import { useRouteLoaderData } from "@remix-run/react";
import type { loader as rootLoader } from "../root";
import { useHydrated } from "./client-only";
import { useFormat } from "./format";
import { printWhenReady } from "./printing";

/**
 * The page in view taken away: CSV and Excel for those who may export the data, a PDF and the
 * Print button for everyone who may print what they read (executives included).
 */
export function ExportLinks({ query, printPath }: { query: Record<string, string>; printPath: string }) {
  const root = useRouteLoaderData<typeof rootLoader>("root");
  const f = useFormat();
  // The button needs the page's script; without it the PDF link still prints.
  const hydrated = useHydrated();
  if (!root?.canExport && !root?.canPrint) return null;
  const href = (format: string) => `/export?${new URLSearchParams({ ...query, format })}`;
  return (
    <nav className="export-links print-hide" aria-label={f.t("export.label")}>
      {root.canExport ? (
        <>
          <a href={href("csv")} download>
            {f.t("export.csv")}
          </a>
          <a href={href("xlsx")} download>
            {f.t("export.xlsx")}
          </a>
        </>
      ) : null}
      {root.canPrint ? (
        <>
          <a href={`/export/pdf?${new URLSearchParams({ path: printPath })}`}>{f.t("export.pdf")}</a>
          {hydrated ? (
            <button type="button" className="print-button" onClick={() => void printWhenReady()}>
              {f.t("export.print")}
            </button>
          ) : null}
        </>
      ) : null}
    </nav>
  );
}
