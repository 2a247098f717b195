import { useIntl } from "react-intl";
import { formatterFor } from "../i18n/format";

/** The page's formatter: its locale, numbering system and Dubai's time zone. */
export function useFormat() {
  return formatterFor(useIntl());
}
