import { Link } from "@remix-run/react";
import type { Status } from "../compliance/types";
import type { Unit } from "../definitions/schema";
import type { Bilingual } from "../i18n/format";
import { useT } from "../i18n/use-t";
import { useFormat } from "./format";
import { StatusBadge } from "./status";

export interface HeatmapEntity extends Bilingual {
  code: string;
}

export interface HeatmapKpi extends Bilingual {
  code: string;
  unit: Unit;
}

export interface HeatmapCell {
  status: Status;
  actual: number | null;
  target: number | null;
}

/** The key of an entity's cell for a KPI in `cells`. */
export const cellKey = (entity: string, kpi: string) => `${entity}|${kpi}`;

/**
 * Entities against KPIs, one status per cell. Status is told by symbol and word as well as
 * colour; the figures behind a cell show on hover and on keyboard focus, and are its
 * accessible name. A missing cell means the entity does not report that KPI.
 */
export function Heatmap({
  caption,
  entities,
  kpis,
  cells,
  entityHref,
}: {
  caption: string;
  entities: HeatmapEntity[];
  kpis: HeatmapKpi[];
  cells: Record<string, HeatmapCell>;
  entityHref?: (code: string) => string | null;
}) {
  const f = useFormat();
  const t = useT();

  const describe = (kpi: HeatmapKpi, cell: HeatmapCell) => {
    const values = {
      kpi: f.name(kpi),
      actual: f.value(kpi.unit, cell.actual),
      target: f.value(kpi.unit, cell.target),
      status: f.t(`status.${cell.status}`),
    };
    if (cell.actual !== null && cell.target !== null) return t("heatmap.cell", values);
    if (cell.actual !== null) return t("heatmap.cell.noTarget", values);
    if (cell.target !== null) return t("heatmap.cell.noActual", values);
    return t("heatmap.cell.empty", values);
  };

  return (
    <div className="table-scroll heatmap-scroll">
      <table className="data-table heatmap">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("heatmap.col.entity")}</th>
            {kpis.map((kpi) => (
              <th scope="col" key={kpi.code} title={f.name(kpi)}>
                <abbr title={f.name(kpi)} dir="ltr">
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
                {kpis.map((kpi) => {
                  const cell = cells[cellKey(entity.code, kpi.code)];
                  if (cell === undefined) {
                    return (
                      <td key={kpi.code} className="heatmap-cell heatmap-not-reported">
                        <span className="visually-hidden">{t("heatmap.notReported")}</span>
                      </td>
                    );
                  }
                  const text = describe(kpi, cell);
                  return (
                    <td
                      key={kpi.code}
                      className={`heatmap-cell heatmap-${cell.status}`}
                      tabIndex={0}
                      aria-label={text}
                      title={text}
                    >
                      <StatusBadge status={cell.status} compact />
                      <span className="heatmap-tip" aria-hidden="true">
                        {text}
                      </span>
                    </td>
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
