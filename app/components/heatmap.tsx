import { useMemo } from "react";
import { useIntl } from "react-intl";
import { STATUSES, type Status } from "../compliance/types";
import type { Unit } from "../definitions/schema";
import type { Bilingual, Formatter } from "../i18n/format";
import type { MessageId } from "../i18n/messages";
import { FSI, PDI } from "../i18n/bidi";
import { escapeHtml } from "../utils/html";
import { useFollowLinks } from "./follow-links";
import { useFormat } from "./format";
import type { HeatmapRows, HeatmapTuple } from "../compliance/heatmap";

export { cellKey, heatmapRows, type HeatmapCell, type HeatmapRows } from "../compliance/heatmap";

export interface HeatmapEntity extends Bilingual {
  code: string;
}

export interface HeatmapKpi extends Bilingual {
  code: string;
  unit: Unit;
  /** The column heading's short name, when the definition gives one. */
  shortEn?: string | null;
  shortAr?: string | null;
}

type CellMessage =
  "heatmap.cell" | "heatmap.cell.noTarget" | "heatmap.cell.noActual" | "heatmap.cell.empty";

type CellValues = Record<"kpi" | "actual" | "target" | "status", string>;

// Stand-ins for the four values of a cell's sentence: control characters, which no name or
// number holds (names with control characters are refused on the way in).
const MARK: CellValues = { kpi: "\u0001", actual: "\u0002", target: "\u0003", status: "\u0004" };
const SLOT = new Map(Object.entries(MARK).map(([key, mark]) => [mark, key as keyof CellValues]));

/**
 * Builds a cell's sentence ("KPI: 93.1% against 80% — Met"), escaped for HTML, without a
 * formatMessage per cell: each of the four messages is formatted once with stand-ins, then
 * filled in by splicing. The first sentence of each message is checked against formatMessage
 * itself; a message whose translation does more than put the values in place (a plural, a
 * select) keeps formatMessage. The literal words are escaped once, the values each time (short
 * strings; escaping the whole sentence cost more).
 */
function cellDescriber(f: Formatter) {
  const templates = new Map<CellMessage, ((values: CellValues) => string) | null>();
  const template = (id: CellMessage) => {
    // The formatted message as literal runs and slots, in order.
    const parts: Array<string | { slot: keyof CellValues }> = [];
    let run = "";
    for (const char of f.t(id, MARK)) {
      const slot = SLOT.get(char);
      if (slot === undefined) run += char;
      else {
        parts.push(escapeHtml(run), { slot });
        run = "";
      }
    }
    parts.push(escapeHtml(run));
    // In Arabic a value with a digit is placed in an isolate, as t() places it
    // (docs/decisions/0022-numbers-in-arabic-text.md).
    const place =
      f.locale === "ar" ? (v: string) => escapeHtml(/[0-9]/.test(v) ? FSI + v + PDI : v) : (v: string) => escapeHtml(v);
    return (values: CellValues) => {
      let out = "";
      for (const part of parts) out += typeof part === "string" ? part : place(values[part.slot]);
      return out;
    };
  };
  return (id: CellMessage, values: CellValues) => {
    let fill = templates.get(id);
    if (fill === undefined) {
      const candidate = template(id);
      fill = candidate(values) === escapeHtml(f.t(id, values)) ? candidate : null;
      templates.set(id, fill);
    }
    return fill === null ? escapeHtml(f.t(id, values)) : fill(values);
  };
}

/**
 * A KPI value formatted as f.value does, with the number formats made once per render rather
 * than looked up for each cell; checked against f.value on its first use like the sentences.
 */
function valueFormatter(f: Formatter, locale: string) {
  const none = f.t("value.none");
  const make = (options: Intl.NumberFormatOptions, scale = 1) => {
    const format = new Intl.NumberFormat(locale, options);
    // Targets recur in every row and figures often do: formatting costs more than a look-up.
    const made = new Map<number, string>();
    return (v: number) => {
      let text = made.get(v);
      if (text === undefined) {
        text = format.format(v / scale);
        made.set(v, text);
      }
      return text;
    };
  };
  const checked = new Map<Unit, ((v: number) => string) | null>();
  const slow = new Map<string, string>();
  const build = (unit: Unit) => {
    switch (unit) {
      case "percent":
        return make({ style: "percent", maximumFractionDigits: 1 }, 100);
      case "count":
        return make({ maximumFractionDigits: 0 });
      case "currency":
        return make({ style: "currency", currency: "AED", maximumFractionDigits: 0 });
      case "number":
        return make({ maximumFractionDigits: 2 });
      default:
        return null;
    }
  };
  return (unit: Unit, v: number | null) => {
    if (v === null) return none;
    let format = checked.get(unit);
    if (format === undefined) {
      format = build(unit);
      if (format && format(v) !== f.value(unit, v)) format = null;
      checked.set(unit, format);
    }
    if (format) return format(v);
    // Days and yes-no go through messages (plurals): the same few values recur, so keep them.
    const key = `${unit}|${v}`;
    let text = slow.get(key);
    if (text === undefined) {
      text = f.value(unit, v);
      slow.set(key, text);
    }
    return text;
  };
}

/**
 * Entities against KPIs, one status per cell. Status is told by symbol and word as well as
 * colour; the figures behind a cell show on hover and on keyboard focus, and are its
 * accessible name. A missing cell means the entity does not report that KPI.
 *
 * At a hundred entities and fifty KPIs this is thousands of cells, so each is one empty `<td>`
 * named by its sentence: the symbol (from the status class, as STATUS_SYMBOL) and the hover and
 * focus tooltip (the cell's label) are drawn by CSS, and every word and number format is made
 * once per render.
 */
export function Heatmap({
  caption,
  entities,
  kpis,
  rows,
  entityHref,
  cellHref,
}: {
  caption: string;
  entities: HeatmapEntity[];
  kpis: HeatmapKpi[];
  rows: HeatmapRows;
  entityHref?: (code: string) => string | null;
  /** Where a cell leads: the entity on the KPI's page. Without it (print, the briefing book) cells are not links. */
  cellHref?: (entity: string, kpi: string) => string | null;
}) {
  const f = useFormat();
  const { t } = f;
  const statusWord = Object.fromEntries(
    STATUSES.map((status) => [status, t(`status.${status}` as MessageId)]),
  ) as Record<Status, string>;
  const notReported = t("heatmap.notReported");
  const sentence = cellDescriber(f);
  const value = valueFormatter(f, useIntl().locale);
  const kpiNames = kpis.map((kpi) => f.name(kpi));

  const missedWords = new Map<string, string>();
  const missedWord = (due: string) => {
    let word = missedWords.get(due);
    if (word === undefined) {
      word = t("status.missedDue", { month: f.period(due) });
      missedWords.set(due, word);
    }
    return word;
  };
  const headings = kpis.map((kpi) => {
    const short = f.locale === "ar" ? kpi.shortAr : kpi.shortEn;
    return short || f.name(kpi);
  });

  // A cell's sentence, escaped for HTML (cellDescriber).
  const describe = (kpiName: string, unit: Unit, [status, actual, target, missed]: HeatmapTuple) => {
    const values = {
      kpi: kpiName,
      actual: value(unit, actual),
      target: value(unit, target),
      status: missed ? missedWord(missed) : statusWord[status],
    };
    if (actual !== null && target !== null) return sentence("heatmap.cell", values);
    if (actual !== null) return sentence("heatmap.cell.noTarget", values);
    if (target !== null) return sentence("heatmap.cell.noActual", values);
    return sentence("heatmap.cell.empty", values);
  };

  // The body is thousands of cells: written as one HTML string rather than as React elements,
  // it is one piece for the server to send and nothing for the browser to hydrate (at a hundred
  // entities by fifty KPIs, React spent about 40 ms a request writing the cells one attribute at
  // a time). The same function builds it on both sides; every name and sentence is escaped.
  const body = useMemo(() => {
    let html = "";
    for (const entity of entities) {
      const href = entityHref?.(entity.code) ?? null;
      const name = escapeHtml(f.name(entity));
      html += `<tr><th scope="row">${href === null ? name : `<a class="heatmap-entity" href="${escapeHtml(href)}">${name}</a>`}</th>`;
      const cells = rows[entity.code];
      kpis.forEach((kpi, k) => {
        const cell = cells?.[k];
        if (!cell) {
          html += `<td class="heatmap-cell heatmap-not-reported" aria-label="${escapeHtml(notReported)}"></td>`;
          return;
        }
        const text = describe(kpiNames[k], kpi.unit, cell);
        const status = cell[3] ? "off-track heatmap-missed" : cell[0];
        const to = cellHref?.(entity.code, kpi.code) ?? null;
        html +=
          to === null
            ? `<td class="heatmap-cell heatmap-${status}" tabindex="0" aria-label="${text}"></td>`
            : `<td class="heatmap-cell heatmap-${status}"><a class="heatmap-link" href="${escapeHtml(to)}" aria-label="${text}"></a></td>`;
      });
      html += "</tr>";
    }
    return html;
    // Built from the page's data and language; the helpers above are remade each render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [entities, kpis, rows, f.locale]);

  // Each cell and entity is a link, followed through the router by one listener (decision 27).
  const follow = useFollowLinks();

  return (
    <div className="table-scroll heatmap-scroll">
      {/* The table only passes on clicks of its links, which the keyboard reaches and activates. */}
      <table className="data-table heatmap" onClick={cellHref || entityHref ? follow : undefined}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("heatmap.col.entity")}</th>
            {kpis.map((kpi, k) => (
              <th scope="col" key={kpi.code} title={headings[k] === kpiNames[k] ? undefined : kpiNames[k]}>
                {headings[k]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody dangerouslySetInnerHTML={{ __html: body }} />
      </table>
    </div>
  );
}
