import { Link, useLocation } from "@remix-run/react";
import type { Compliance } from "../compliance/types";
import type { Timeliness } from "../compliance/timeliness";
import type { StatusCounts } from "../models/scorecards.server";
import { StatusBadge } from "./status";
import { useFollowLinks } from "./follow-links";
import { useFormat } from "./format";

interface LeagueEntity {
  code: string;
  nameEn: string;
  nameAr: string;
  sample: boolean;
  compliance: Compliance | null;
  counts: StatusCounts;
  timeliness: Timeliness;
  /** The month's figures sent and not yet approved. */
  awaitingReview: number;
}

const SORTS = ["name", "score", "compliance", "off-track"] as const;
type Sort = (typeof SORTS)[number];

/**
 * Every entity's score, compliance and status counts. Sorting is in the address (`?sort=&dir=`),
 * so it works without JavaScript and a sorted view can be shared.
 */
export function LeagueTable({
  entities,
  entityHref,
  locked = false,
}: {
  entities: LeagueEntity[];
  entityHref: (code: string) => string | null;
  /** The month is locked: figures not yet approved never will be (until it is reopened). */
  locked?: boolean;
}) {
  const f = useFormat();
  // A hundred entities' links: plain anchors followed by one listener (decision 27).
  const follow = useFollowLinks();
  const { t } = f;
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  const sort: Sort = (SORTS as readonly string[]).includes(params.get("sort") ?? "") ? (params.get("sort") as Sort) : "score";
  const dir = params.get("dir") === "asc" ? "asc" : "desc";

  const key = (e: LeagueEntity): number | string => {
    switch (sort) {
      case "name":
        return f.name(e);
      case "compliance":
        return e.compliance?.compliance ?? -1;
      case "off-track":
        return e.counts["off-track"] + e.counts["no-data"];
      default:
        return e.compliance?.score ?? -1;
    }
  };
  const sorted = [...entities].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const order = typeof ka === "string" ? ka.localeCompare(kb as string, f.locale) : ka - (kb as number);
    return (dir === "asc" ? order : -order) || a.code.localeCompare(b.code);
  });

  const header = (column: Sort, label: string) => {
    const active = sort === column;
    const next = new URLSearchParams(location.search);
    next.set("sort", column);
    next.set("dir", active && dir === "desc" ? "asc" : active ? "desc" : column === "name" ? "asc" : "desc");
    return (
      <th scope="col" aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : undefined}>
        <Link to={`${location.pathname}?${next}`} preventScrollReset replace>
          {label}
          {active ? (
            <span aria-hidden="true">{dir === "asc" ? " ▲" : " ▼"}</span>
          ) : null}
        </Link>
      </th>
    );
  };

  return (
    <div className="table-scroll">
      <table className="data-table league stack-on-phone" onClick={follow}>
        <caption className="visually-hidden">{t("overview.leagueCaption")}</caption>
        <thead>
          <tr>
            {header("name", t("col.entity"))}
            {header("score", t("col.score"))}
            {header("compliance", t("col.compliance"))}
            {header("off-track", t("col.counts"))}
            <th scope="col">{t("figures.col.timeliness")}</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((e) => {
            const href = entityHref(e.code);
            const c = e.compliance;
            return (
              <tr key={e.code}>
                <th scope="row">
                  {href ? <a href={href}>{f.name(e)}</a> : f.name(e)}
                  {e.sample ? <span className="badge">{t("entity.sample")}</span> : null}
                </th>
                <td className="number" data-label={t("col.score")}>{c?.score !== null && c?.score !== undefined ? f.share(c.score) : t("value.none")}</td>
                <td className="number" data-label={t("col.compliance")}>
                  {c && c.compliance !== null ? (
                    <>
                      {f.share(c.compliance)}{" "}
                      <span className="muted">({t("compliance.ratio", { compliant: c.compliant, assessed: c.assessed })})</span>
                    </>
                  ) : (
                    t("compliance.none")
                  )}
                </td>
                <td className="counts" data-label={t("col.counts")}>
                  {(["met", "on-track", "at-risk", "off-track", "no-data"] as const)
                    .filter((status) => e.counts[status] > 0)
                    .map((status) => (
                      <span key={status} className="count-chip">
                        <StatusBadge status={status} compact /> {f.number(e.counts[status])}
                      </span>
                    ))}
                </td>
                <td data-label={t("figures.col.timeliness")}>
                  <span className={`timeliness timeliness-${e.timeliness}`}>{t(`timeliness.${e.timeliness}`)}</span>
                  {e.awaitingReview > 0 ? <span className="awaiting-review">{t(locked ? "overview.unreviewedLocked" : "overview.awaitingReview", { count: e.awaitingReview })}</span> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
