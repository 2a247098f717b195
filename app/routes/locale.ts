import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { isLocale } from "~/i18n/locale";
import { localeCookie } from "~/i18n/locale.server";

/** The language switch: remembers the choice in a cookie and goes back to the same page. */
export function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const lang = url.searchParams.get("lang");
  if (!isLocale(lang)) throw new Response("Unknown language", { status: 400 });
  const to = url.searchParams.get("to") ?? "/";
  // Only paths on this site: "//host" or "/\host" would send the reader elsewhere.
  const safe = to.startsWith("/") && !to.startsWith("//") && !to.startsWith("/\\") ? to : "/";
  return redirect(safe, {
    headers: { "Set-Cookie": localeCookie(lang, url.protocol === "https:") },
  });
}
