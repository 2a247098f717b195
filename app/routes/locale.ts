import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { isLocale } from "~/i18n/locale";
import { localeCookie } from "~/i18n/locale.server";
import { safeRedirect } from "~/auth/guard.server";

/** The language switch: remembers the choice in a cookie and goes back to the same page. */
export function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const lang = url.searchParams.get("lang");
  if (!isLocale(lang)) throw new Response("Unknown language", { status: 400 });
  // Only paths on this site (see safeRedirect): "//host" would send the reader elsewhere.
  return redirect(safeRedirect(url.searchParams.get("to")), {
    headers: { "Set-Cookie": localeCookie(lang, url.protocol === "https:") },
  });
}
