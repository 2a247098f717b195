import { Link } from "@remix-run/react";
import type { Status, TargetKind } from "../compliance/types";
import type { Unit } from "../definitions/schema";
import { useFormat } from "./format";
import { StatusBadge } from "./status";

interface Named {
  code: string;
  nameEn: string;
  nameAr: string;
  actual: number | null;
  target: number | null;
  status: Status;
  targetKind: TargetKind | null;
  missed: string | null;
}

export interface Reach {
  assessed: number;
  meets: number;
  short: Named[];
  shortCount: number;
  missing: Named[];
  missingCount: number;
}

/**
 * The law's question first (80% through smart channels in *every* entity): how many entities meet
 * their own target for the headline KPI this month, and which do not, each with its figure and a
 * link to its scorecard. A city average above target can hide three entities below it.
 */
export function HeadlineReach({
  reach,
  unit,
  period,
  entityHref,
}: {
  reach: Reach;
  unit: Unit;
  period: string;
  entityHref: (code: string) => string | null;
}) {
  const f = useFormat();
  const { t } = f;
  const hiddenShort = reach.shortCount - reach.short.length;
  const hiddenMissing = reach.missingCount - reach.missing.length;
  const entity = (e: Named) => {
    const href = entityHref(e.code);
    return href ? <Link to={href}>{f.name(e)}</Link> : f.name(e);
  };
  return (
    <div className="headline-reach" data-period={period}>
      <p className="reach-answer">
        {reach.assessed === 0
          ? t("reach.noneAssessed")
          : t("reach.meets", { meets: f.number(reach.meets), assessed: f.number(reach.assessed) })}
      </p>
      {reach.shortCount > 0 ? (
        <div className="reach-short">
          <h3>{t("reach.short", { count: f.number(reach.shortCount) })}</h3>
          <ul className="reach-list">
            {reach.short.map((e) => (
              <li key={e.code} data-entity={e.code}>
                <span className="reach-name">{entity(e)}</span>{" "}
                <span className="reach-figure">
                  <strong>{f.value(unit, e.actual)}</strong>{" "}
                  <span className="muted">{t("reach.against", { target: f.value(unit, e.target) })}</span>
                </span>{" "}
                <StatusBadge status={e.status} missed={e.missed} />
              </li>
            ))}
          </ul>
          {hiddenShort > 0 ? <p className="muted">{t("reach.othersShort", { count: f.number(hiddenShort) })}</p> : null}
        </div>
      ) : reach.assessed > 0 ? (
        <p className="reach-all">{t("reach.allMeet")}</p>
      ) : null}
      {reach.missingCount > 0 ? (
        <p className="reach-missing">
          {t("reach.missing", { count: f.number(reach.missingCount) })}{" "}
          {reach.missing.map((e, i) => (
            <span key={e.code} data-entity={e.code}>
              {i > 0 ? t("reach.separator") : null}
              {entity(e)}
            </span>
          ))}
          {hiddenMissing > 0 && reach.missing.length > 0 ? t("reach.separator") : null}
          {hiddenMissing > 0 ? t("reach.othersMissing", { count: f.number(hiddenMissing) }) : null}
        </p>
      ) : null}
    </div>
  );
}
