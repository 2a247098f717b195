// The monthly briefing book as one document: the cover, the contents, the executive summary, the
// city headline and its chart, the league table, the heatmap, the plans due or overdue, then each
// entity on a page of its own (two at most). Built from the pages' own components; printed by
// Chromium (app/briefing/print.server.ts), each section and entity starting a new page.
import { explainRow } from "../compliance/explain";
import { STATUSES } from "../compliance/types";
import { Commentary, type CommentaryView } from "../components/commentary";
import { EditionNote } from "../components/edition-note";
import { FollowUpSummary } from "../components/follow-up-summary";
import { useFormat } from "../components/format";
import { Heatmap } from "../components/heatmap";
import { LeagueTable } from "../components/league-table";
import { PlanState } from "../components/plan-state";
import { ScorecardTable } from "../components/scorecard-table";
import { StaticTrendChart } from "../components/static-trend-chart";
import { RowStatus, StatusBadge } from "../components/status";
import type { Formatter } from "../i18n/format";
import type { BookData, BookEntity, BookPlan } from "./data.server";

/** The anchors the contents link to: each becomes a named destination in the PDF. */
export const SECTIONS = ["summary", "headline", "league", "heatmap", "follow-up"] as const;
export const entityAnchor = (code: string) => `entity-${code}`;

/**
 * How much of an entity's words its page shows, so that the entity fits a page, two at most: in
 * full (but for very long notes), then tighter for an entity that ran past two pages, then
 * condensed (its summary short, each plan in a line, no KPI's commentary) for one that still did.
 * The app has every word.
 */
const BUDGETS = [
  { summary: 900, analysis: 450, recommendation: 300, plan: 300, actions: 6, action: 140 },
  { summary: 500, analysis: 180, recommendation: 100, plan: 150, actions: 3, action: 80 },
  { summary: 300, analysis: 0, recommendation: 0, plan: 0, actions: 0, action: 0 },
] as const;
type Budget = (typeof BUDGETS)[number];
/** The tightest level of BUDGETS. */
export const MOST_CONDENSED = BUDGETS.length - 1;

function clip(text: string, max: number): { text: string; clipped: boolean } {
  const clean = text.trim();
  if (clean.length <= max) return { text: clean, clipped: false };
  // At a word's end, never in the middle of one.
  const cut = clean.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return { text: `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`, clipped: true };
}

export interface BookOptions {
  /** The page each anchor landed on in the last print, when known: the contents' numbers. */
  pageOf: (anchor: string) => number | null;
  /** Entities shortened, by level of BUDGETS (1 or 2): they ran past two pages. */
  condensed: ReadonlyMap<string, number>;
}

export function BriefingBook({ data, options }: { data: BookData; options: BookOptions }) {
  const f = useFormat();
  const { t } = f;
  const month = f.period(data.period);
  const kpiName = (code: string) => (data.kpiNames[code] ? f.name(data.kpiNames[code]) : code);
  const entityName = (code: string) => {
    const entity = data.league.find((e) => e.code === code);
    return entity ? f.name(entity) : code;
  };
  const headline = data.headline;
  const contents: Array<{ anchor: string; title: string }> = [
    { anchor: "summary", title: t("overview.summary") },
    { anchor: "headline", title: headline ? `${t("overview.headline")}: ${f.name(headline.kpi)}` : t("overview.headline") },
    { anchor: "league", title: t("book.league") },
    { anchor: "heatmap", title: t("overview.heatmap") },
    { anchor: "follow-up", title: t("overview.followUp") },
  ];

  return (
    <>
      <section className="book-cover" aria-labelledby="book-title">
        <p className="book-office">{t("book.office")}</p>
        <h1 id="book-title">{t("book.title")}</h1>
        <p className="book-month">{month}</p>
        <EditionNote edition={data.edition} period={data.period} />
        <p className="book-prepared">{t("book.prepared", { date: f.dateTime(data.preparedAt) })}</p>
      </section>

      <nav className="book-section book-contents" aria-labelledby="contents-title">
        <h2 id="contents-title">{t("book.contents")}</h2>
        <ol>
          {contents.map((entry) => (
            <ContentsLine key={entry.anchor} anchor={entry.anchor} title={entry.title} page={options.pageOf(entry.anchor)} />
          ))}
          <li className="book-contents-group">
            <span>{t("book.entities")}</span>
            <ol className="book-contents-entities">
              {data.entities.map((e) => (
                <ContentsLine key={e.code} anchor={entityAnchor(e.code)} title={f.name(e)} page={options.pageOf(entityAnchor(e.code))} />
              ))}
            </ol>
          </li>
        </ol>
      </nav>

      <section className="book-section" id="summary" aria-labelledby="summary-heading">
        <h2 id="summary-heading">{t("overview.summary")}</h2>
        {data.summary ? <Commentary item={data.summary} /> : <p className="empty-state">{t("followUp.noCitySummary", { month })}</p>}
        <h3>{t("book.glance")}</h3>
        {!data.hasFigures ? <p className="empty-state">{t("overview.empty", { month })}</p> : null}
        <p>
          {t("book.glance.statuses", { count: data.entities.length })}{" "}
          {(["met", "on-track", "at-risk", "off-track", "no-data"] as const).map((status) => (
            <span key={status} className="count-chip">
              <StatusBadge status={status} /> {f.number(data.league.reduce((sum, e) => sum + e.counts[status], 0))}
            </span>
          ))}
        </p>
        <p>
          {data.followUp.needing === 0
            ? t("overview.followUpNone", { month })
            : t("overview.followUpCounts", {
                needing: data.followUp.needing,
                accepted: data.followUp.accepted,
                without: data.followUp.needing - data.followUp.accepted,
                overdue: data.followUp.overdue,
                month,
              })}
        </p>
      </section>

      <section className="book-section" id="headline" aria-labelledby="headline-heading">
        <h2 id="headline-heading">{contents[1].title}</h2>
        {headline && headline.row ? <Headline data={data} f={f} /> : <p className="empty-state">{t("overview.empty", { month })}</p>}
      </section>

      <section className="book-section" id="league" aria-labelledby="league-heading">
        <h2 id="league-heading">{t("book.league")}</h2>
        <p className="muted">{t("book.leagueIntro", { month })}</p>
        <LeagueTable entities={data.league} entityHref={() => null} />
      </section>

      <section className="book-section" id="heatmap" aria-labelledby="heatmap-heading">
        <h2 id="heatmap-heading">{t("overview.heatmap")}</h2>
        <Heatmap caption={t("overview.heatmapCaption", { month })} entities={data.league} kpis={data.heatmap.kpis} rows={data.heatmap.rows} />
        <p className="book-key">
          {STATUSES.map((status) => (
            <StatusBadge key={status} status={status} />
          ))}
          <span>
            <span className="book-not-reported" aria-hidden="true" /> {t("heatmap.notReported")}
          </span>
        </p>
        <p className="book-key">
          {data.heatmap.kpis.map((kpi) => (
            <span key={kpi.code}>
              <bdi dir="ltr">{kpi.code}</bdi>: {f.name(kpi)}
            </span>
          ))}
        </p>
      </section>

      <section className="book-section" id="follow-up">
        <FollowUpSummary data={data.followUp} period={data.period} entityName={entityName} kpiName={kpiName} />
      </section>

      {data.entities.map((entity) => (
        <EntityPage key={entity.code} entity={entity} period={data.period} level={options.condensed.get(entity.code) ?? 0} kpiName={kpiName} />
      ))}
    </>
  );
}

function ContentsLine({ anchor, title, page }: { anchor: string; title: string; page: number | null }) {
  const f = useFormat();
  return (
    <li>
      <a href={`#${anchor}`}>{title}</a>
      <span className="book-leader" aria-hidden="true" />
      {/* A slot of fixed width, filled on the second printing: the numbers move nothing. */}
      <span className="book-page-number">{page === null ? "\u00a0" : f.number(page)}</span>
    </li>
  );
}

function Headline({ data, f }: { data: BookData; f: Formatter }) {
  const { t } = f;
  const headline = data.headline!;
  const row = headline.row!;
  const unit = headline.kpi.unit;
  const points = (v: number | null) =>
    v === null ? t("value.none") : unit === "percent" ? t("change.points", { value: f.signed(v) }) : f.signed(v);
  const lastActual = [...headline.series].reverse().find((p) => p.actual !== null);
  const title = t("overview.trendTitle", { kpi: f.name(headline.kpi) });
  const label =
    lastActual && lastActual.actual !== null
      ? t(lastActual.target === null ? "chart.trend.summaryNoTarget" : "chart.trend.summary", {
          title,
          actual: f.value(unit, lastActual.actual),
          period: f.period(lastActual.period),
          target: f.value(unit, lastActual.target),
        })
      : t("chart.summaryNoData", { title });
  return (
    <>
      <div className="book-headline-main">
        <span className="book-headline-value">{f.value(unit, row.actual)}</span>
        <RowStatus row={row} />
        <span className="muted">{t("overview.actual")}</span>
      </div>
      <dl className="book-headline-facts">
        <dt>{t("overview.target")}</dt>
        <dd>
          {row.explanation.target
            ? t("overview.targetValue", {
                value: f.value(unit, row.target),
                kind: t(`target.kind.${row.explanation.target.kind}`),
                due: f.period(row.explanation.target.due),
              })
            : t("overview.noTarget")}
        </dd>
        <dt>{t("overview.changeMonth")}</dt>
        <dd>{points(row.trend.change)}</dd>
        <dt>{t("overview.changeYear")}</dt>
        <dd>{points(row.trend.changeOnYear)}</dd>
        <dt>{t("overview.forecast")}</dt>
        <dd>
          {row.forecast
            ? `${t(row.forecast.meetsTarget ? "overview.forecastMeets" : "overview.forecastMisses", {
                value: f.value(unit, row.forecast.projected),
                due: f.period(row.forecast.due),
              })} ${row.forecast.reachesTargetIn ? t("overview.forecastReaches", { month: f.period(row.forecast.reachesTargetIn) }) : t("overview.forecastNever")}`
            : t("overview.forecastNone")}
        </dd>
      </dl>
      <p>{explainRow(row, { unit, period: data.period, f })}</p>
      <h3>{title}</h3>
      <StaticTrendChart label={label} unit={unit} series={headline.series} forecast={headline.forecast} height={380} />
    </>
  );
}

function Clipped({ text, max }: { text: string; max: number }) {
  const { t } = useFormat();
  const shown = clip(text, max);
  return (
    <>
      {shown.text}
      {shown.clipped ? <span className="book-clipped"> {t("book.clipped")}</span> : null}
    </>
  );
}

/** A note shortened to the page's budget; the app keeps every word. */
function clippedView(item: CommentaryView, budget: { analysis: number; recommendation: number }): CommentaryView {
  return {
    ...item,
    analysis: clip(item.analysis, budget.analysis).text,
    recommendation: item.recommendation ? clip(item.recommendation, budget.recommendation).text : "",
  };
}

function EntityPage({
  entity,
  period,
  level,
  kpiName,
}: {
  entity: BookEntity;
  period: string;
  /** How far its words are shortened: a level of BUDGETS. */
  level: number;
  kpiName: (code: string) => string;
}) {
  const f = useFormat();
  const { t } = f;
  const name = f.name(entity);
  const month = f.period(period);
  const c = entity.compliance;
  const budget = BUDGETS[Math.min(level, MOST_CONDENSED)];
  const condensed = budget.analysis === 0;
  const plans = new Map(entity.plans.map((p) => [p.kpi, p]));
  const anyClipped =
    level > 0 ||
    (entity.summary !== null && clip(entity.summary.analysis, budget.summary).clipped) ||
    entity.kpiNotes.some((n) => clip(n.item.analysis, budget.analysis).clipped || clip(n.item.recommendation, budget.recommendation).clipped);
  return (
    <section
      className="book-entity"
      id={entityAnchor(entity.code)}
      aria-labelledby={`${entityAnchor(entity.code)}-name`}
      data-condensed={level > 0 ? String(level) : undefined}
    >
      <header>
        {/* The name alone in the heading: it is the entity's bookmark in the PDF. */}
        <h2 id={`${entityAnchor(entity.code)}-name`}>{name}</h2>
        <p className="book-entity-facts">
          {entity.sample ? <span className="badge">{t("entity.sample")}</span> : null}
          {entity.parent ? <span>{t("entity.parent", { parent: f.name(entity.parent) })}</span> : null}
          <span>
            <span className="muted">{t("entity.score")}</span> <strong>{c.score !== null ? f.share(c.score) : t("value.none")}</strong>
          </span>
          <span>
            <span className="muted">{t("entity.compliance")}</span>{" "}
            <strong>{c.compliance !== null ? f.share(c.compliance) : t("value.none")}</strong>
            {c.compliance !== null ? ` (${t("compliance.ratio", { compliant: c.compliant, assessed: c.assessed })})` : null}
          </span>
          <span>
            <span className="muted">{t("figures.col.timeliness")}</span>{" "}
            <strong className={`timeliness timeliness-${entity.timeliness}`}>{t(`timeliness.${entity.timeliness}`)}</strong>
          </span>
        </p>
      </header>
      {!entity.hasFigures ? <p className="empty-state">{t("entity.empty", { entity: name, month })}</p> : null}
      <ScorecardTable
        caption={t("entity.caption", { entity: name })}
        months={entity.months}
        lines={entity.rows.map(({ row, kpi, sparkline }) => {
          const plan = plans.get(kpi.code);
          return {
            key: kpi.code,
            label: f.name(kpi),
            href: null,
            unit: kpi.unit,
            row,
            sparkline,
            // The "why" column is left off paper: its sentences would take the page.
            explanation: "",
            followUp: plan ? <PlanNote plan={plan} /> : null,
          };
        })}
      />
      <div className="book-notes">
        <div>
          <p className="book-label">{t("followUp.summaryTitle")}</p>
          {entity.summary ? (
            <Commentary item={{ ...entity.summary, analysis: clip(entity.summary.analysis, budget.summary).text }} />
          ) : (
            <p className="muted">{t("followUp.noSummary")}</p>
          )}
        </div>
        {!condensed && entity.kpiNotes.length > 0 ? (
          <div>
            <p className="book-label">{t("book.kpiNotes")}</p>
            {entity.kpiNotes.map((note) => (
              <div key={note.kpi} className="book-kpi-note">
                <p>{kpiName(note.kpi)}</p>
                <Commentary
                  item={clippedView(note.item, budget)}
                  labels={{ analysis: t("followUp.analysisLabel"), recommendation: t("followUp.recommendationLabel") }}
                />
              </div>
            ))}
          </div>
        ) : null}
        <div>
          <p className="book-label">{t("followUp.plansTitle")}</p>
          {entity.plans.length === 0 ? (
            <p className="muted">{t("followUp.noPlansOwed", { month })}</p>
          ) : (
            entity.plans.map((plan) => <PlanDetails key={plan.kpi} plan={plan} kpiName={kpiName} budget={budget} />)
          )}
        </div>
        {anyClipped ? <p className="book-clipped">{t(condensed ? "book.condensed" : "book.clippedNote")}</p> : null}
      </div>
    </section>
  );
}

/** Under a KPI's status: its plan's state, or the plan owed. */
function PlanNote({ plan }: { plan: BookPlan }) {
  const f = useFormat();
  if (plan.plan) return <PlanState state={plan.plan.state} />;
  return (
    <span className={plan.overdue ? "plan-owed plan-overdue" : "plan-owed"}>
      {f.t(plan.overdue ? "plan.overdueSince" : "plan.owedBy", { date: f.date(plan.dueAt) })}
    </span>
  );
}

function PlanDetails({ plan, kpiName, budget }: { plan: BookPlan; kpiName: (code: string) => string; budget: Budget }) {
  const f = useFormat();
  const { t } = f;
  const shown = plan.plan?.actions.slice(0, budget.actions) ?? [];
  const more = (plan.plan?.actions.length ?? 0) - shown.length;
  return (
    <div className="book-plan">
      <p>
        {kpiName(plan.kpi)}: <PlanNote plan={plan} />
      </p>
      {plan.plan && budget.plan > 0 ? (
        <p lang={plan.plan.language} dir={plan.plan.language === "ar" ? "rtl" : "ltr"}>
          <Clipped text={plan.plan.summary} max={budget.plan} />
        </p>
      ) : null}
      {shown.length > 0 ? (
        <ul>
          {shown.map((a, i) => (
            <li key={i}>
              {/* The entity's words in the language they were written in, each set its own way. */}
              <bdi lang={plan.plan!.language} dir={plan.plan!.language === "ar" ? "rtl" : "ltr"}>
                {clip(a.title, budget.action).text} ({clip(a.owner, 60).text})
              </bdi>
              {t("overview.lateActionDue", { month: f.period(a.dueMonth) })}: {t(`plan.actionState.${a.state}`)}
            </li>
          ))}
        </ul>
      ) : null}
      {more > 0 || (plan.plan && budget.actions === 0 && plan.plan.actions.length > 0) ? (
        <p className="muted">{t("book.moreActions", { count: budget.actions === 0 ? (plan.plan?.actions.length ?? 0) : more })}</p>
      ) : null}
    </div>
  );
}
