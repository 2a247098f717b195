import type { AppLoadContext } from "@remix-run/node";
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { RawIntlProvider } from "react-intl";
import { intlFor } from "../i18n/format";
import type { Locale } from "../i18n/locale";
import type { ServerMarkup } from "./server-markup";

/**
 * A component tree written as markup in a language, outside the page's render. Only for trees
 * that read nothing but the language (no router, no loader data) and handle no event: links in
 * them are plain anchors, followed by the listener around them (decision 27).
 */
export function markupOf(locale: Locale, element: ReactElement): string {
  return renderToStaticMarkup(<RawIntlProvider value={intlFor(locale)}>{element}</RawIntlProvider>);
}

/** How a loader hands markup to its page: in the document's context, or in the page's data. */
export function shipMarkup(context: AppLoadContext, html: string): ServerMarkup {
  const slots = context.documentMarkup;
  if (!slots) return { html };
  slots.push(html);
  return { slot: slots.length - 1 };
}
