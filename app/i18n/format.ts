// Formatting that follows a locale, its pinned numbering system and Dubai's time zone. A plain
// function of an IntlShape, so pages (through useFormat), the engine's explanations and exports
// format numbers the same way.
import { createIntl, type IntlShape } from "react-intl";
import type { Unit } from "../definitions/schema";
import { TIME_ZONE } from "../utils/period";
import { intlLocale, messagesFor, type Locale } from "./locale";
import type { MessageId } from "./messages";

export interface Bilingual {
  nameEn: string;
  nameAr: string;
}

export function intlFor(locale: Locale): IntlShape {
  return createIntl({ locale: intlLocale(locale), messages: messagesFor(locale), timeZone: TIME_ZONE });
}

export type Formatter = ReturnType<typeof formatterFor>;

export function formatterFor(intl: IntlShape) {
  const locale: Locale = intl.locale.startsWith("ar") ? "ar" : "en";
  const t = (id: MessageId, values?: Record<string, string | number | Date>) =>
    intl.formatMessage({ id }, values) as string;

  const name = (item: Bilingual) => (locale === "ar" ? item.nameAr : item.nameEn);

  /** "December 2018" for 2018-12. */
  const period = (p: string) =>
    intl.formatDate(new Date(Date.UTC(Number(p.slice(0, 4)), Number(p.slice(5, 7)) - 1, 15)), {
      year: "numeric",
      month: "long",
      timeZone: TIME_ZONE,
    });

  const date = (iso: string) =>
    intl.formatDate(new Date(iso), { year: "numeric", month: "long", day: "numeric", timeZone: TIME_ZONE });

  /** "24 November 2026, 14:05" in Dubai time. */
  const dateTime = (iso: string) =>
    intl.formatDate(new Date(iso), {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZone: TIME_ZONE,
    });

  /** A KPI value as a reader expects it for its unit: 80%, 640, 5.2 days, Yes. */
  const value = (unit: Unit, v: number | null) => {
    if (v === null) return t("value.none");
    switch (unit) {
      case "percent":
        return intl.formatNumber(v / 100, { style: "percent", maximumFractionDigits: 1 });
      case "count":
        return intl.formatNumber(v, { maximumFractionDigits: 0 });
      case "currency":
        return intl.formatNumber(v, { style: "currency", currency: "AED", maximumFractionDigits: 0 });
      case "days":
        return t("value.days", { value: Math.round(v * 10) / 10 });
      case "yes-no":
        // A yes-no KPI summed over entities is a count of them on the city row.
        return v === 1 ? t("value.yes") : v === 0 ? t("value.no") : intl.formatNumber(v, { maximumFractionDigits: 2 });
      default:
        return intl.formatNumber(v, { maximumFractionDigits: 2 });
    }
  };

  /** A share such as an achievement or a band: 0.875 → 87.5%. */
  const share = (v: number) => intl.formatNumber(v, { style: "percent", maximumFractionDigits: 1 });

  /** "A, B and C" with the language's own separators. */
  const list = (items: string[]) => intl.formatList(items, { type: "conjunction" }) as string;

  const number = (v: number, maximumFractionDigits = 2) => intl.formatNumber(v, { maximumFractionDigits });

  /** A change with its sign: +1.2, −0.4. */
  const signed = (v: number) => intl.formatNumber(v, { signDisplay: "exceptZero", maximumFractionDigits: 1 });

  return { locale, t, name, period, date, dateTime, value, share, list, number, signed };
}
