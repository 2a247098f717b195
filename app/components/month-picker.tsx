import { Form, Link, useLocation } from "@remix-run/react";
import { addMonths, periodRange } from "../figures/month";
import { useFormat } from "./format";

/**
 * Chooses the month a page shows; the month lives in the address, so a link shows the same view.
 *
 * A list of months named in the page's language, grouped by year, newest first: the browser's
 * own month input is drawn in the browser's language ("December 2018" on an Arabic page). The
 * choice takes effect on "Show", never on change, so arrowing through the list with the keyboard
 * does not leave the page at each month. A plain GET form: it works before the page's script has
 * loaded, and the route validates `period` as it does for a typed address.
 */
export function MonthPicker({ period, first, last }: { period: string; first: string; last: string }) {
  const f = useFormat();
  const location = useLocation();
  const withPeriod = (p: string) => {
    const params = new URLSearchParams(location.search);
    params.set("period", p);
    return `${location.pathname}?${params}`;
  };
  // The page's other parameters (filters, a language) go with the month.
  const kept = [...new URLSearchParams(location.search)].filter(([name]) => name !== "period");
  // The month shown is always one of the choices, even before the first month with figures or
  // after the last: otherwise the list would show its first month, and "Show" would go there.
  const listed = period >= first && period <= last ? periodRange(first, last) : [...periodRange(first, last), period].sort();
  const years = new Map<string, string[]>();
  for (const p of listed.reverse()) {
    const year = p.slice(0, 4);
    years.set(year, [...(years.get(year) ?? []), p]);
  }
  const previous = addMonths(period, -1);
  const next = addMonths(period, 1);
  return (
    <div className="month-picker">
      <Form method="get" className="month-form">
        {kept.map(([name, value], i) => (
          <input key={`${name}-${i}`} type="hidden" name={name} value={value} />
        ))}
        <label htmlFor="period">{f.t("month.label")}</label>
        <select id="period" name="period" defaultValue={period} key={period}>
          {[...years].map(([year, months]) => (
            <optgroup key={year} label={year}>
              {months.map((p) => (
                <option key={p} value={p}>
                  {f.period(p)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
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
