import { Form, Link, useLocation } from "@remix-run/react";
import { addMonths } from "../figures/month";
import { useFormat } from "./format";

/** Chooses the month a page shows; the month lives in the address, so a link shows the same view. */
export function MonthPicker({ period, first, last }: { period: string; first: string; last: string }) {
  const f = useFormat();
  const location = useLocation();
  const withPeriod = (p: string) => {
    const params = new URLSearchParams(location.search);
    params.set("period", p);
    return `${location.pathname}?${params}`;
  };
  const previous = addMonths(period, -1);
  const next = addMonths(period, 1);
  return (
    <div className="month-picker">
      <Form method="get" className="month-form">
        <label htmlFor="period">{f.t("month.label")}</label>
        <input id="period" name="period" type="month" defaultValue={period} min={first} max={last} required />
        <button type="submit">{f.t("month.show")}</button>
      </Form>
      <nav aria-label={f.t("month.nav")} className="month-steps">
        {previous >= first ? (
          <Link to={withPeriod(previous)} rel="prev">
            {f.t("month.previous", { month: f.period(previous) })}
          </Link>
        ) : null}
        {next <= last ? (
          <Link to={withPeriod(next)} rel="next">
            {f.t("month.next", { month: f.period(next) })}
          </Link>
        ) : null}
      </nav>
      <p className="print-only print-meta">{f.t("print.period", { month: f.period(period) })}</p>
    </div>
  );
}
