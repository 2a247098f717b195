import { useIntl } from "react-intl";
import type { MessageId } from "./messages";
import type { Locale } from "./locale";

type Values = Record<string, string | number | Date>;

/** The message for an id in the page's language, typed so a missing id fails to compile. */
export function useT() {
  const intl = useIntl();
  return (id: MessageId, values?: Values) => intl.formatMessage({ id }, values) as string;
}

export function useLocale(): Locale {
  return useIntl().locale.startsWith("ar") ? "ar" : "en";
}
