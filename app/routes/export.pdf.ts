import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { readCookie } from "~/auth/cookies.server";
import { requirePermission, safeRedirect } from "~/auth/guard.server";
import { CSRF_COOKIE } from "~/auth/csrf.server";
import { SESSION_COOKIE } from "~/auth/session.server";
import { chromiumPath, printToPdf } from "~/exports/pdf.server";
import { LOCALE_COOKIE, resolveLocale } from "~/i18n/locale.server";
import { env } from "~/utils/env.server";

/**
 * `/export/pdf?path=/entities/RTA?period=2018-12`: the page's print view as a PDF. Without
 * Chromium on the server, the same print view opens in the browser to print from there.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  requirePermission(request, "reports:export");
  const target = safeRedirect(new URL(request.url).searchParams.get("path"), "");
  if (!target) throw new Response("path must be a page of this site", { status: 400 });
  const printView = `${target}${target.includes("?") ? "&" : "?"}print=1`;
  if (!chromiumPath()) return redirect(printView);
  const cookies = [SESSION_COOKIE, LOCALE_COOKIE, CSRF_COOKIE]
    .map((name) => ({ name, value: readCookie(request, name) ?? "" }))
    .filter((c) => c.value !== "");
  const locale = resolveLocale(request);
  // The server prints its own page: over loopback, on the port it listens on.
  const pdf = await printToPdf(`http://127.0.0.1:${env().PORT}${target}`, cookies, locale === "ar" ? "ar-AE" : "en-US");
  const name = target.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "") || "overview";
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="smart-compliance-${name}.pdf"`,
      "Cache-Control": "no-store",
    },
  });
}
