import type { MetaArgs } from "@remix-run/node";
import { DEFAULT_LOCALE, isLocale, messagesFor } from "../i18n/locale";
import type { MessageId } from "../i18n/messages";

/** A page title in the page's language: "<page> · <product>". */
export function pageTitle(matches: MetaArgs["matches"], id: MessageId, detail?: string) {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: unknown } | undefined;
  const messages = messagesFor(isLocale(root?.locale) ? root.locale : DEFAULT_LOCALE);
  return [{ title: `${detail ?? messages[id]} · ${messages["app.title"]}` }];
}
