// Renders components the way the root layout does: with the locale's messages, pinned digits
// and Dubai's time zone.
import type { ReactNode } from "react";
import { IntlProvider } from "react-intl";
import { intlLocale, messagesFor, type Locale } from "../../app/i18n/locale";
import { TIME_ZONE } from "../../app/figures/month";

export function WithIntl({ locale, children }: { locale: Locale; children: ReactNode }) {
  return (
    <IntlProvider locale={intlLocale(locale)} messages={messagesFor(locale)} timeZone={TIME_ZONE}>
      <div dir={locale === "ar" ? "rtl" : "ltr"}>{children}</div>
    </IntlProvider>
  );
}
