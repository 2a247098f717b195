import { useIntl } from "react-intl";
import type { Unit } from "../definitions/schema";
import { TIME_ZONE } from "../utils/period";
import { useLocale, useT } from "../i18n/use-t";

interface Bilingual {
  nameEn: string;
  nameAr: string;
}

/** Formatting that follows the page's locale, numbering system and Dubai's time zone. */
export function useFormat() {
  const intl = useIntl();
  const t = useT();
  const locale = useLocale();

  const name = (item: Bilingual) => (locale === "ar" ? item.nameAr : item.nameEn);

  /** "December 2018" for 2018-12. */
  const period = (p: string) =>
    intl.formatDate(new Date(Date.UTC(Number(p.slice(0, 4)), Number(p.slice(5, 7)) - 1, 15)), {
      year: "numeric",
      month: "long",
      timeZone: TIME_ZONE,
    });

  const date = (iso: string) =>
    intl.formatDate(new Date(iso), {
      year: "numeric",
      month: "long",
      day: "numeric",
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
        return intl.formatNumber(v, {
          style: "currency",
          currency: "AED",
          maximumFractionDigits: 0,
        });
      case "days":
        return t("value.days", { value: v });
      case "yes-no":
        // A yes-no KPI summed over entities is a count of them on the city row.
        return v === 1
          ? t("value.yes")
          : v === 0
            ? t("value.no")
            : intl.formatNumber(v, { maximumFractionDigits: 2 });
      default:
        return intl.formatNumber(v, { maximumFractionDigits: 2 });
    }
  };

  const share = (v: number) => intl.formatNumber(v, { style: "percent", maximumFractionDigits: 1 });

  /** "A, B and C" with the language's own separators. */
  const list = (items: string[]) => intl.formatList(items, { type: "conjunction" }) as string;

  return { name, period, date, value, share, list, number: (v: number) => intl.formatNumber(v) };
}
