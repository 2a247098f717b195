import { readCookie } from "../auth/cookies.server";
import { DEFAULT_LOCALE, isLocale, type Locale } from "./locale";

export const LOCALE_COOKIE = "lang";


/** The first of our locales that the Accept-Language header asks for, by its q-values. */
export function fromAcceptLanguage(header: string | null): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(",")
    .map((part) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { lang: tag.trim().toLowerCase().split("-")[0], q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((x) => x.lang).find(isLocale);
}

/** The locale for a request: `?lang=` in the URL, then the cookie, then Accept-Language. */
export function resolveLocale(request: Request): Locale {
  const fromUrl = new URL(request.url).searchParams.get("lang");
  if (isLocale(fromUrl)) return fromUrl;
  const fromCookie = readCookie(request, LOCALE_COOKIE);
  if (isLocale(fromCookie)) return fromCookie;
  return fromAcceptLanguage(request.headers.get("Accept-Language")) ?? DEFAULT_LOCALE;
}

export function localeCookie(locale: Locale, secure: boolean): string {
  const attributes = [`${LOCALE_COOKIE}=${locale}`, "Path=/", "Max-Age=31536000", "SameSite=Lax"];
  if (secure) attributes.push("Secure");
  return attributes.join("; ");
}
