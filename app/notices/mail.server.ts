// What a notice says, in its reader's language: the subject, the paragraphs of its body and the
// page it links to. The inbox shows it, the mail sends it (with a right-to-left HTML part in
// Arabic), the Outbox lists it. A focal point's notice names their own entity only.
import { createIntl } from "react-intl";
import type { Db } from "../../db/index";
import type { Role } from "../../db/schema";
import { formatterFor, type Formatter } from "../i18n/format";
import { direction, intlLocale, type Locale } from "../i18n/locale";
import { catalogues, type MessageId } from "../i18n/messages";
import { listEntities, listKpis } from "../models/kpis.server";
import { engineKpis } from "../models/report.server";
import { TIME_ZONE } from "../figures/month";
import { noticePath, type MonthProgress, type Notice, type NoticeParams } from "./kinds";
import * as words from "./messages";
import type { NoticeMessageId } from "./messages";

export interface NoticeText {
  subject: string;
  /** Paragraphs of plain text, in order; a list's items each in its own. */
  lines: string[];
  /** Someone's own words quoted after the lines (a returned figure's comment), in whatever language they wrote. */
  quote?: string;
  /** The sentence before the link. */
  act: string;
  /** The page it links to, from the site's root (e.g. /figures/DM/2026-10). */
  path: string;
}

/** The pages' messages with the notices' own: one formatter per language, made once. */
const merged = {
  en: { ...catalogues.en, ...words.en },
  ar: { ...catalogues.ar, ...words.ar },
};

function formatter(locale: Locale): Formatter {
  return formatterFor(createIntl({ locale: intlLocale(locale), messages: merged[locale], timeZone: TIME_ZONE }));
}

type Values = Record<string, string | number>;

/** What a notice says to a reader in `locale`. */
export function noticeText(db: Db, notice: Notice, locale: Locale): NoticeText {
  const f = formatter(locale);
  const w = (id: NoticeMessageId | MessageId, values?: Values) => f.t(id as MessageId, values);
  const entities = new Map(listEntities(db).map((e) => [e.code, e]));
  const entityName = (code: string | null) => {
    const entity = code ? entities.get(code) : undefined;
    return entity ? f.name(entity) : (code ?? "");
  };
  const month = notice.period ? f.period(notice.period) : "";
  const path = noticePath(notice);
  const base = { entity: entityName(notice.entityCode), month };
  /** A notice about an entity's month and how far it is: its subject and body, worded alike. */
  const monthText = (
    kind: "reminder" | "due" | "overdue" | "escalation",
    p: MonthProgress & { daysLeft?: number; daysLate?: number },
    act: NoticeMessageId,
  ): NoticeText => {
    const values = { ...base, days: p.daysLeft ?? p.daysLate ?? 0, due: f.date(p.due), sent: p.sent, expected: p.expected };
    return { subject: w(`notice.${kind}.subject`, values), lines: [w(`notice.${kind}.body`, values)], act: w(act), path };
  };

  switch (notice.kind) {
    case "reminder":
    case "due":
    case "overdue":
      return monthText(notice.kind, notice.params as NoticeParams["reminder"] & NoticeParams["overdue"], "notice.act");
    case "returned": {
      const p = notice.params as NoticeParams["returned"];
      const kpi = listKpis(db).find((k) => k.code === p.kpi);
      const values = { ...base, kpi: kpi ? f.name(kpi) : p.kpi };
      return {
        subject: w("notice.returned.subject", values),
        lines: [w("notice.returned.body", values)],
        quote: p.comment,
        act: w("notice.returned.act"),
        path,
      };
    }
    case "digest": {
      const p = notice.params as NoticeParams["digest"];
      return {
        subject: w("notice.digest.subject", { count: p.waiting.length, date: f.date(`${p.date}T08:00:00Z`) }),
        lines: [
          w("notice.digest.body"),
          ...p.waiting.map((x) => w("notice.digest.line", { entity: entityName(x.entity), month: f.period(x.period), count: x.count })),
        ],
        act: w("notice.digest.act"),
        path,
      };
    }
    case "escalation":
      return monthText("escalation", notice.params as NoticeParams["escalation"], "notice.escalation.act");
    case "plan-due": {
      const p = notice.params as NoticeParams["plan-due"];
      const kpis = new Map(listKpis(db).map((k) => [k.code, k]));
      const values = { ...base, count: p.kpis.length, due: f.date(p.due) };
      return {
        subject: w(p.overdue ? "notice.plan-due.subject.overdue" : "notice.plan-due.subject", values),
        lines: [w("notice.plan-due.body", values), ...p.kpis.map((code) => (kpis.get(code) ? f.name(kpis.get(code)!) : code))],
        act: w("notice.plan-due.act"),
        path,
      };
    }
    case "locked": {
      const p = notice.params as NoticeParams["locked"];
      const h = p.headline;
      const kpi = h ? listKpis(db).find((k) => k.code === h.kpi) : undefined;
      const unit = h ? engineKpis(db).find((k) => k.code === h.kpi)?.unit : undefined;
      const value = (v: number | null) => (v === null || !unit ? w("notice.noFigure") : f.value(unit, v));
      const kpiName = kpi ? f.name(kpi) : (h?.kpi ?? "");
      const lines = [w("notice.locked.body", { month })];
      if (h) {
        lines.push(w("notice.locked.city", { kpi: kpiName, actual: value(h.actual), target: value(h.target), status: w(`status.${h.status}` as MessageId) }));
        lines.push(w("notice.locked.met", { count: p.met.length }));
        if (p.met.length > 0) lines.push(f.list(p.met.map(entityName)));
        lines.push(w("notice.locked.missed", { count: p.missed.length }));
        for (const m of p.missed) {
          // 94.96% below a 95% target would read "95% against 95%": then the figure as entered.
          const shown = value(m.actual) === value(m.target) && m.actual !== null ? `${value(m.actual)} (${f.number(m.actual, 2)})` : value(m.actual);
          lines.push(w("notice.locked.missedLine", { entity: entityName(m.entity), actual: shown, target: value(m.target) }));
        }
        if (p.moves.length > 0) {
          lines.push(w("notice.locked.moves"));
          for (const m of p.moves) lines.push(w("notice.locked.moveLine", { entity: entityName(m.entity), from: value(m.from), to: value(m.to) }));
        }
      }
      const subject = h
        ? w("notice.locked.subject", { month, kpi: kpiName, actual: value(h.actual), target: value(h.target) })
        : w("notice.locked.subject.none", { month });
      return { subject, lines, act: w("notice.locked.act"), path };
    }
  }
}

export interface Mail {
  subject: string;
  text: string;
  html: string;
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/**
 * The e-mail of a notice for its person: the notice's words in their language, a link to the
 * exact page and one to their notice preferences, as plain text and as HTML (right to left in
 * Arabic).
 */
export function noticeMail(
  db: Db,
  notice: Notice,
  to: { locale: Locale; role: Role; entityCode: string | null },
  appUrl: string,
): Mail {
  const text = noticeText(db, notice, to.locale);
  const f = formatter(to.locale);
  const entity = to.entityCode ? listEntities(db).find((e) => e.code === to.entityCode) : undefined;
  const role = f.t(`notice.role.${to.role}` as MessageId, { entity: entity ? f.name(entity) : "" });
  const footer = f.t("notice.footer" as MessageId, { role });
  const link = `${appUrl}${text.path}`;
  const preferences = `${appUrl}/notices/preferences`;
  const dir = direction(to.locale);
  const quoted = text.quote === undefined ? [] : [`“${text.quote}”`];
  const plain = [...text.lines, ...quoted, "", text.act, link, "", "—", footer, preferences].join("\n");
  const html = `<!doctype html>
<html lang="${to.locale}" dir="${dir}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(text.subject)}</title></head>
<body style="margin:0;padding:24px;background:#f4f6f8;font-family:'Noto Sans Arabic','Segoe UI',Tahoma,Arial,sans-serif;color:#1b2631;direction:${dir};text-align:start">
<div style="max-width:600px;margin:0 auto;background:#ffffff;border:1px solid #d5dbe1;border-radius:6px;padding:24px">
<h1 style="font-size:20px;line-height:1.4;margin:0 0 16px">${escape(text.subject)}</h1>
${text.lines.map((line) => `<p style="font-size:15px;line-height:1.6;margin:0 0 12px">${escape(line)}</p>`).join("\n")}
${
  // The quote takes its own direction: an English comment in an Arabic mail reads left to right.
  text.quote === undefined
    ? ""
    : `<blockquote dir="auto" style="font-size:15px;line-height:1.6;margin:0 0 12px;padding:8px 12px;border-inline-start:4px solid #d5dbe1;background:#f8f9fa">${escape(text.quote)}</blockquote>`
}
<p style="font-size:15px;line-height:1.6;margin:20px 0 8px">${escape(text.act)}</p>
<p style="margin:0 0 20px"><a href="${escape(link)}" style="display:inline-block;background:#0b5394;color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:4px;font-size:15px">${escape(link)}</a></p>
<hr style="border:none;border-top:1px solid #d5dbe1;margin:20px 0">
<p style="font-size:13px;line-height:1.5;color:#5d6d7e;margin:0">${escape(footer)} <a href="${escape(preferences)}" style="color:#0b5394">${escape(preferences)}</a></p>
</div>
</body>
</html>`;
  return { subject: text.subject, text: plain, html };
}
