import type { Status } from "../compliance/types";
import { useT } from "../i18n/use-t";

/** A symbol for each status, so no status is told by colour alone. */
export const STATUS_SYMBOL: Record<Status, string> = {
  met: "✔",
  "on-track": "↗",
  "at-risk": "!",
  "off-track": "✖",
  "no-data": "?",
  "no-target": "–",
};

/** The status as symbol and word, coloured from a palette safe for colour-blind readers. */
export function StatusBadge({ status, compact = false }: { status: Status; compact?: boolean }) {
  const t = useT();
  const word = t(`status.${status}`);
  return (
    <span className={`status status-${status}`} title={compact ? word : undefined}>
      <span aria-hidden="true" className="status-symbol">
        {STATUS_SYMBOL[status]}
      </span>
      {compact ? <span className="visually-hidden">{word}</span> : <span className="status-word">{word}</span>}
    </span>
  );
}
