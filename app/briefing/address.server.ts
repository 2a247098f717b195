// The month and language a briefing book's address names (`/briefing/2018-12/…?lang=ar`), for the
// resource routes: anything else is a 400 in the reader's language, as plain text (they are opened
// by links, not rendered in the page's layout).
import { parsePeriod, viewBounds } from "../figures/month";
import { isLocale, messagesFor, type Locale } from "../i18n/locale";
import { resolveLocale } from "../i18n/locale.server";
import type { MessageId } from "../i18n/messages";

/** A plain-text answer in the reader's language. */
export function plainRefusal(request: Request, status: number, id: MessageId, values: Record<string, string> = {}): Response {
  const text = messagesFor(resolveLocale(request))[id].replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
  return new Response(text, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}

/** The book's month (bounded, as every month from outside) and language (`lang`: en or ar, given once). */
export function bookAddress(request: Request, params: { period?: string }): { period: string; language: Locale } {
  const parsed = parsePeriod(params.period ?? "", viewBounds(new Date()));
  if (!parsed.ok) throw plainRefusal(request, 400, parsed.problem === "format" ? "error.period.format" : "error.period.range", { ...parsed.bounds });
  const langs = new URL(request.url).searchParams.getAll("lang");
  if (langs.length !== 1 || !isLocale(langs[0])) throw plainRefusal(request, 400, "briefing.badLanguage");
  return { period: parsed.period, language: langs[0] };
}
