import { TIME_ZONE } from "../figures/month";
import { catalogues, type MessageId } from "./messages";

export const LOCALES = ["en", "ar"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

export function isLocale(value: unknown): value is Locale {
  return value === "en" || value === "ar";
}

/**
 * The locale tag handed to Intl. The numbering system is pinned because Node and browsers ship
 * different CLDR defaults for Arabic: unpinned, the server and the browser would print different
 * digits and hydration would break. Western digits are what Dubai government portals print in
 * Arabic text (docs/decisions/0002-locale-and-digits.md).
 */
export function intlLocale(locale: Locale): string {
  return locale === "ar" ? "ar-AE-u-nu-latn" : "en-AE-u-nu-latn";
}

export function direction(locale: Locale): "rtl" | "ltr" {
  return locale === "ar" ? "rtl" : "ltr";
}

export function messagesFor(locale: Locale): Record<MessageId, string> {
  return catalogues[locale];
}

export { TIME_ZONE };
