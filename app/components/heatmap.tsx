import { Link } from "@remix-run/react";
import { useIntl } from "react-intl";
import { STATUSES, type Status } from "../compliance/types";
import type { Unit } from "../definitions/schema";
import type { Bilingual, Formatter } from "../i18n/format";
import type { MessageId } from "../i18n/messages";
import { useFormat } from "./format";
import type { HeatmapRows, HeatmapTuple } from "../compliance/heatmap";

export { cellKey, heatmapRows, type HeatmapCell, type HeatmapRows } from "../compliance/heatmap";

export interface HeatmapEntity extends Bilingual {
  code: string;
}

export interface HeatmapKpi extends Bilingual {
  code: string;
  unit: Unit;
}

type CellMessage =
  "heatmap.cell" | "heatmap.cell.noTarget" | "heatmap.cell.noActual" | "heatmap.cell.empty";

type CellValues = Record<"kpi" | "actual" | "target" | "status", string>;

// Stand-ins for the four values of a cell's sentence: control characters, which no name or
// number holds (names with control characters are refused on the way in).
const MARK: CellValues = { kpi: "\u0001", actual: "\u0002", target: "\u0003", status: "\u0004" };
const SLOT = new Map(Object.entries(MARK).map(([key, mark]) => [mark, key as keyof CellValues]));

/**
 * Builds a cell's sentence ("KPI: 93.1% against 80% — Met") without a formatMessage per cell:
 * each of the four messages is formatted once with stand-ins, then filled in by splicing. The
 * first sentence of each message is checked against formatMessage itself; a message whose
 * translation does more than put the values in place (a plural, a select) keeps formatMessage.
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
        parts.push(run, { slot });
        run = "";
      }
    }
    parts.push(run);
    return (values: CellValues) => {
      let out = "";
      for (const part of parts) out += typeof part === "string" ? part : values[part.slot];
      return out;
    };
  };
  return (id: CellMessage, values: CellValues) => {
    let fill = templates.get(id);
    if (fill === undefined) {
      const candidate = template(id);
      fill = candidate(values) === f.t(id, values) ? candidate : null;
      templates.set(id, fill);
    }
    return fill === null ? f.t(id, values) : fill(values);
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
    return (v: number) => format.format(v / scale);
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
}: {
  caption: string;
  entities: HeatmapEntity[];
  kpis: HeatmapKpi[];
  rows: HeatmapRows;
  entityHref?: (code: string) => string | null;
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

  const describe = (kpiName: string, unit: Unit, [status, actual, target]: HeatmapTuple) => {
    const values = {
      kpi: kpiName,
      actual: value(unit, actual),
      target: value(unit, target),
      status: statusWord[status],
    };
    if (actual !== null && target !== null) return sentence("heatmap.cell", values);
    if (actual !== null) return sentence("heatmap.cell.noTarget", values);
    if (target !== null) return sentence("heatmap.cell.noActual", values);
    return sentence("heatmap.cell.empty", values);
  };

  return (
    <div className="table-scroll heatmap-scroll">
      <table className="data-table heatmap">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("heatmap.col.entity")}</th>
            {kpis.map((kpi, k) => (
              <th scope="col" key={kpi.code} title={kpiNames[k]}>
                <abbr title={kpiNames[k]} dir="ltr">
                  {kpi.code}
                </abbr>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {entities.map((entity) => {
            const href = entityHref?.(entity.code) ?? null;
            return (
              <tr key={entity.code}>
                <th scope="row">
                  {href === null ? f.name(entity) : <Link to={href}>{f.name(entity)}</Link>}
                </th>
                {kpis.map((kpi, k) => {
                  const cell = rows[entity.code]?.[k];
                  if (!cell) {
                    return (
                      <td key={kpi.code} className="heatmap-cell heatmap-not-reported" aria-label={notReported} />
                    );
                  }
                  const text = describe(kpiNames[k], kpi.unit, cell);
                  return (
                    <td key={kpi.code} className={`heatmap-cell heatmap-${cell[0]}`} tabIndex={0} aria-label={text} />
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
