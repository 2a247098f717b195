import type { Unit } from "../definitions/schema";
import { useT } from "../i18n/use-t";
import { useFormat } from "./format";

const WIDTH = 96;
const HEIGHT = 24;
const PAD = 2.5;

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * A word-sized trend: plain SVG, so it is in the server HTML, unlike recharts. Gaps in the
 * figures break the line rather than being bridged. In Arabic time runs right to left, so the
 * latest month is at the left edge.
 */
export function Sparkline({
  values,
  target,
  unit,
  label,
}: {
  values: Array<number | null>;
  /** The target, or the targets month by month: the line is drawn at the latest one. */
  target?: number | null | Array<number | null>;
  unit: Unit;
  label: string;
}) {
  const f = useFormat();
  const t = useT();
  const rtl = f.locale === "ar";

  const latestTarget = Array.isArray(target)
    ? ([...target].reverse().find((v) => v !== null) ?? null)
    : (target ?? null);
  const present = values.filter((v): v is number => v !== null);

  let name: string;
  if (present.length === 0) name = t("sparkline.empty", { label });
  else if (present.length === 1)
    name = t("sparkline.single", { label, value: f.value(unit, present[0]) });
  else
    name = t("sparkline.label", {
      label,
      first: f.value(unit, present[0]),
      last: f.value(unit, present[present.length - 1]),
    });

  const scale = latestTarget === null ? present : [...present, latestTarget];
  const min = Math.min(...scale);
  const max = Math.max(...scale);
  const y = (v: number) =>
    round(max === min ? HEIGHT / 2 : PAD + ((max - v) / (max - min)) * (HEIGHT - 2 * PAD));
  const x = (i: number) => {
    const along =
      values.length <= 1 ? WIDTH / 2 : PAD + (i / (values.length - 1)) * (WIDTH - 2 * PAD);
    return round(rtl ? WIDTH - along : along);
  };

  // Unbroken runs of figures, each its own polyline.
  const runs: Array<Array<[number, number]>> = [];
  let run: Array<[number, number]> = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (run.length > 0) runs.push(run);
      run = [];
    } else run.push([x(i), y(v)]);
  });
  if (run.length > 0) runs.push(run);

  let lastIndex = -1;
  values.forEach((v, i) => {
    if (v !== null) lastIndex = i;
  });

  // The drawing as one string of markup: a scorecard has fifty of these, and React writing their
  // attributes one by one was a third of the table's time. Only numbers and fixed words go in.
  let drawing = "";
  if (latestTarget !== null && present.length > 0) {
    const ty = y(latestTarget);
    drawing += `<line class="sparkline-target" x1="0" x2="${WIDTH}" y1="${ty}" y2="${ty}" stroke="#8a94a3" stroke-width="1" stroke-dasharray="2 2"></line>`;
  }
  for (const points of runs) {
    drawing += `<polyline class="sparkline-line" points="${points.map(([px, py]) => `${px},${py}`).join(" ")}" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"></polyline>`;
  }
  for (const points of runs) {
    // A figure between two gaps: a line of one point would not show.
    if (points.length === 1) drawing += `<circle class="sparkline-point" cx="${points[0][0]}" cy="${points[0][1]}" r="1.25" fill="currentColor"></circle>`;
  }
  if (lastIndex >= 0) {
    drawing += `<circle class="sparkline-last" cx="${x(lastIndex)}" cy="${y(values[lastIndex] as number)}" r="2" fill="currentColor"></circle>`;
  }

  return (
    <svg
      className="sparkline"
      role="img"
      aria-label={name}
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      dangerouslySetInnerHTML={{ __html: drawing }}
    />
  );
}
