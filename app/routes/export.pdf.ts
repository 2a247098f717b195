import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { readCookie } from "~/auth/cookies.server";
import { requirePermission } from "~/auth/guard.server";
import { CSRF_COOKIE } from "~/auth/csrf.server";
import { SESSION_COOKIE } from "~/auth/session.server";
import { can } from "~/auth/permissions";
import { BUSY_RETRY_AFTER_SECONDS, chromiumPath, pdfQueue, printablePath, printedEntity } from "~/exports/pdf.server";
import { LOCALE_COOKIE, resolveLocale } from "~/i18n/locale.server";
import { messagesFor } from "~/i18n/locale";
import type { MessageId } from "~/i18n/messages";
import { env } from "~/utils/env.server";

/**
 * `/export/pdf?path=/entities/RTA?period=2018-12`: the page's print view as a PDF. Without
 * Chromium on the server, the same print view opens in the browser to print from there.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  // Everyone who reads pages may print them, executives too; the CSV and Excel exports stay
  // with "reports:export" (docs/decisions/0016-printing.md).
  const user = requirePermission(request, "reports:print");
  const locale = resolveLocale(request);
  // Opened by a plain link, so the answer is read as a page: a sentence in the person's language.
  const refuse = (status: number, id: MessageId, headers: Record<string, string> = {}) =>
    new Response(messagesFor(locale)[id], {
      status,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...headers },
    });

  const target = printablePath(new URL(request.url).searchParams.get("path"));
  if (!target) throw refuse(400, "export.pdf.badPath");
  // The print shows what its reader may read, and is asked for as them; a scorecard they may not
  // read is refused here rather than printed as a page that says so.
  const entity = printedEntity(target);
  if (entity !== null && !can(user, "entity:read", entity)) throw refuse(403, "error.403.body");
  if (!chromiumPath()) return redirect(`${target}${target.includes("?") ? "&" : "?"}print=1`);

  const cookies = [SESSION_COOKIE, LOCALE_COOKIE, CSRF_COOKIE]
    .map((name) => ({ name, value: readCookie(request, name) ?? "" }))
    .filter((c) => c.value !== "");
  // The server prints its own page: over loopback, on the port it listens on.
  const outcome = await pdfQueue().submit({
    url: `http://127.0.0.1:${env().PORT}${target}`,
    cookies,
    locale: locale === "ar" ? "ar-AE" : "en-US",
  });
  switch (outcome.kind) {
    case "busy":
      return refuse(503, "export.pdf.busy", { "Retry-After": String(BUSY_RETRY_AFTER_SECONDS) });
    case "timed-out":
      return refuse(504, "export.pdf.timeout");
    case "failed":
      throw outcome.error;
  }
  const name = target.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "") || "overview";
  return new Response(new Uint8Array(outcome.value), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="smart-compliance-${name}.pdf"`,
      "Cache-Control": "no-store",
    },
  });
}
