// "Why is this red?" in one sentence, in the reader's language, from the row's explanation.
import type { Unit } from "../definitions/schema";
import type { Formatter } from "../i18n/format";
import type { Forecast, ReportRow } from "./types";

export function explainRow(row: ReportRow, context: { unit: Unit; period: string; f: Formatter }): string {
  const { unit, f } = context;
  const { explanation: why } = row;
  const period = f.period(context.period);
  const value = (v: number | null) => f.value(unit, v);
  const target = why.target;

  let sentence: string;
  if (row.status === "no-data") {
    sentence = target
      ? f.t("explain.noData.target", { period, kind: f.t(`target.kind.${target.kind}`), target: value(target.value) })
      : f.t("explain.noData.none", { period });
  } else if (row.status === "no-target" || !target) {
    sentence = f.t("explain.noTarget", { actual: value(row.actual), period });
  } else if (why.divisionByZero) {
    sentence =
      why.direction === "increase"
        ? f.t("explain.divZero.increase", { actual: value(row.actual), period })
        : f.t("explain.divZero.decrease", { period });
  } else {
    let phrase =
      target.kind === "interim" && target.from
        ? f.t("explain.target.interim", {
            value: value(target.value),
            fromValue: value(target.from.value),
            fromPeriod: f.period(target.from.period),
            goal: value(target.goal),
            due: f.period(target.due),
          })
        : f.t(`explain.target.${target.kind === "pending" ? "pending" : "final"}`, {
            value: value(target.value),
            due: f.period(target.due),
          });
    if (target.coverage === "entity") phrase = f.t("explain.coverage.entity", { target: phrase });
    if (target.coverage === "city") phrase = f.t("explain.coverage.city", { target: phrase });
    const status = row.status as "met" | "on-track" | "at-risk" | "off-track";
    sentence = f.t("explain.assessed", {
      actual: value(row.actual),
      period,
      target: phrase,
      achievement: f.share(row.achievement ?? 0),
      status: f.t(`explain.status.${status}`, { band: f.share(why.atRiskBand) }),
    });
    if (why.direction === "decrease") sentence = f.t("explain.lowerIsBetter", { sentence });
  }

  const { numerator, denominator, reported, reporters } = why.figures;
  if (row.entity === null && reporters !== undefined && row.status !== "no-data") {
    const detail =
      numerator !== null && denominator !== null
        ? f.t("explain.city.ratio", { numerator: f.number(numerator), denominator: f.number(denominator), reported: reported ?? 0, reporters })
        : f.t("explain.city.other", { reported: reported ?? 0, reporters });
    return `${sentence} ${detail}`;
  }
  if (row.entity !== null && numerator !== null && denominator !== null) {
    return `${sentence} ${f.t("explain.entity.ratio", { numerator: f.number(numerator), denominator: f.number(denominator) })}`;
  }
  return sentence;
}

/**
 * The forecast in one phrase, as the scorecard's Forecast column shows it and the exports write
 * it: the month the fitted line first meets the target, or that it never does.
 */
export function explainForecast(forecast: Forecast | null, context: { unit: Unit; f: Formatter }): string {
  const { unit, f } = context;
  if (!forecast) return f.t("value.none");
  const target = f.value(unit, forecast.target);
  return forecast.reachesTargetIn
    ? f.t("forecast.reaches", { target, month: f.period(forecast.reachesTargetIn) })
    : f.t("forecast.never", { target });
}
