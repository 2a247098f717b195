// The briefing book as one HTML document: React's static markup of the book with its stylesheet
// and typeface inside, so it needs nothing from anywhere (Chromium prints it as it is, and the
// command line, which has no server, prints the same document). The components use router links,
// so they are rendered inside a static router, as the server renders pages.
import { renderToStaticMarkup } from "react-dom/server";
import { IntlProvider } from "react-intl";
import { StaticRouter } from "react-router-dom/server.js";
import { formatterFor, intlFor } from "../i18n/format";
import { DEFAULT_LOCALE, direction, intlLocale, messagesFor } from "../i18n/locale";
import { TIME_ZONE } from "../figures/month";
import { escapeHtml } from "../utils/html";
import { BriefingBook, type BookOptions } from "./book";
import type { BookData } from "./data.server";
import { bookStyles } from "./styles";


/** The book's title and month, as the PDF's title and its pages' running foot say it. */
export function bookTitle(data: Pick<BookData, "period" | "language">): string {
  const f = formatterFor(intlFor(data.language));
  return `${f.t("book.title")} · ${f.period(data.period)}`;
}

export function renderBookHtml(
  data: BookData,
  options: BookOptions & {
    /** @font-face rules for "Noto Sans Arabic" (fonts.server.ts). */
    fontFaces: string;
  },
): string {
  const locale = data.language;
  const title = bookTitle(data);
  const body = renderToStaticMarkup(
    <StaticRouter location="/">
      <IntlProvider locale={intlLocale(locale)} messages={messagesFor(locale)} timeZone={TIME_ZONE} defaultLocale={intlLocale(DEFAULT_LOCALE)}>
        <BriefingBook data={data} options={options} />
      </IntlProvider>
    </StaticRouter>,
  );
  return `<!doctype html>
<html lang="${locale}" dir="${direction(locale)}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
${options.fontFaces}
${bookStyles({ title, rtl: locale === "ar" })}
</style>
</head>
<body><main>${body}</main></body>
</html>`;
}
