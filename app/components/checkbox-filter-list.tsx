import { useId, useState, type ChangeEvent } from "react";
import type { Bilingual } from "../i18n/format";
import { useHydrated } from "./client-only";
import { useFormat } from "./format";

export interface CheckboxOption extends Bilingual {
  code: string;
}

/** Lower case, without Arabic diacritics or tatweel, so "دبي" finds "دُبي". */
const folded = (text: string) => text.toLocaleLowerCase().replace(/[\u064B-\u0652\u0640]/g, "");

/**
 * A long list to choose several from: plain checkboxes in a scrolling box (a GET form sends every
 * ticked one, with or without JavaScript), and once the page has hydrated a text box above that
 * hides the options whose name or code does not contain what is typed. Hidden options keep their
 * ticks and are still sent. Replaces multiple selects, which need Ctrl-click.
 */
export function CheckboxFilterList({
  name,
  legend,
  filterLabel,
  options,
  chosen,
}: {
  name: string;
  legend: string;
  filterLabel: string;
  options: CheckboxOption[];
  chosen: string[];
}) {
  const f = useFormat();
  const { t } = f;
  const id = useId();
  const hydrated = useHydrated();
  const [query, setQuery] = useState("");
  const [ticked, setTicked] = useState(() => new Set(chosen));
  const wanted = folded(query.trim());
  const matches = (o: CheckboxOption) => wanted === "" || folded(`${o.code} ${o.nameEn} ${o.nameAr}`).includes(wanted);
  const shown = options.filter(matches).length;
  const onTick = (event: ChangeEvent<HTMLInputElement>) => {
    const { value, checked } = event.target;
    setTicked((before) => {
      const after = new Set(before);
      if (checked) after.add(value);
      else after.delete(value);
      return after;
    });
  };

  return (
    <fieldset className="field checkbox-filter" aria-describedby={`${id}-count`}>
      <legend>{legend}</legend>
      {hydrated ? (
        <div className="checkbox-filter-search">
          <label htmlFor={`${id}-filter`}>{filterLabel}</label>
          <input id={`${id}-filter`} type="search" value={query} onChange={(e) => setQuery(e.target.value)} autoComplete="off" />
        </div>
      ) : null}
      <p id={`${id}-count`} className="muted checkbox-filter-count" aria-live="polite">
        {t("reports.chosen", { chosen: ticked.size, shown, total: options.length })}
      </p>
      <div className="checkbox-filter-options">
        {options.map((o) => (
          <label key={o.code} hidden={!matches(o)}>
            <input type="checkbox" name={name} value={o.code} defaultChecked={chosen.includes(o.code)} onChange={onTick} />
            <span>{f.name(o)}</span> <span className="muted code">{o.code}</span>
          </label>
        ))}
        {shown === 0 ? <p className="muted">{t("reports.noMatch")}</p> : null}
      </div>
    </fieldset>
  );
}
