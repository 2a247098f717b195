import { useIntl } from "react-intl";
import { formatterFor } from "./format";
import type { Locale } from "./locale";

/** The message for an id in the page's language, typed so a missing id fails to compile. */
export function useT() {
  return formatterFor(useIntl()).t;
}

export function useLocale(): Locale {
  return useIntl().locale.startsWith("ar") ? "ar" : "en";
}
