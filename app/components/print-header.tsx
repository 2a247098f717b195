import { useFormat } from "./format";

/** What a printed scorecard says about itself: the period, the filters and when it was printed. */
export function PrintHeader({ period, printedAt, filters }: { period: string; printedAt: string; filters?: string }) {
  const f = useFormat();
  return (
    <div className="print-only print-header">
      <strong>{f.t("app.title")}</strong>
      <span>{f.t("print.period", { month: f.period(period) })}</span>
      {filters ? <span>{filters}</span> : null}
      <span>{f.t("print.printed", { date: f.dateTime(printedAt) })}</span>
    </div>
  );
}
