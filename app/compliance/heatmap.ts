// The cells of the compliance heatmap (entities against KPIs): built by the overview's model,
// drawn by app/components/heatmap.tsx, listed by the overview's exports.
import type { Status } from "./types";

export interface HeatmapCell {
  status: Status;
  actual: number | null;
  target: number | null;
  /** The month a final target fell due, when the cell is below it ("Missed"; app/compliance/missed.ts). */
  missed?: string | null;
}

/** The key of an entity's cell for a KPI in a cell map. */
export const cellKey = (entity: string, kpi: string) => `${entity}|${kpi}`;

/**
 * A cell as a page's data carries it to the browser: a tuple, in rows of an entity's cells in
 * the order of the KPIs (null where the entity does not report the KPI). A hundred entities by
 * fifty KPIs is 5,000 cells; as keyed objects they were 450 KB of the overview's HTML.
 */
export type HeatmapTuple = [Status, number | null, number | null] | [Status, number | null, number | null, string];
export type HeatmapRows = Record<string, Array<HeatmapTuple | null>>;

/** The rows of the heatmap for `entities` against `kpis`, from the engine's cells. */
export function heatmapRows(
  entities: ReadonlyArray<{ code: string }>,
  kpis: ReadonlyArray<{ code: string }>,
  cells: Record<string, HeatmapCell>,
): HeatmapRows {
  return Object.fromEntries(
    entities.map((entity) => [
      entity.code,
      kpis.map((kpi) => {
        const cell = cells[cellKey(entity.code, kpi.code)];
        if (!cell) return null;
        // The fourth place only when missed: most cells are not, and there are thousands.
        return cell.missed ? [cell.status, cell.actual, cell.target, cell.missed] : [cell.status, cell.actual, cell.target];
      }),
    ]),
  );
}
