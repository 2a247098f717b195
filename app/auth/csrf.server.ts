// Cross-site request forgery: every form that changes something carries the token held in an
// HttpOnly cookie (double submit). Another site can make a browser post to us, with our cookies,
// but cannot read the cookie to copy the token into its form.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readCookie, serializeCookie } from "./cookies.server";

export const CSRF_COOKIE = "csrf";
export const CSRF_FIELD = "csrf";
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The request's token, and the Set-Cookie header that issues one when it has none. */
export function csrfToken(request: Request): { token: string; setCookie: string | null } {
  const existing = readCookie(request, CSRF_COOKIE);
  if (existing && TOKEN.test(existing)) return { token: existing, setCookie: null };
  const token = randomBytes(32).toString("base64url");
  return { token, setCookie: serializeCookie(CSRF_COOKIE, token, request, { maxAgeSeconds: 30 * 24 * 3600 }) };
}

/** Throws 403 unless the form's token matches the cookie's. */
export function requireCsrf(request: Request, form: FormData): void {
  const cookie = readCookie(request, CSRF_COOKIE);
  const field = form.get(CSRF_FIELD);
  const a = Buffer.from(typeof cookie === "string" ? cookie : "");
  const b = Buffer.from(typeof field === "string" ? field : "");
  // Only tokens of the shape csrfToken issues: a cookie planted by someone else is not one.
  const valid = TOKEN.test(cookie ?? "") && a.length === b.length && timingSafeEqual(a, b);
  if (!valid) throw new Response("The form's security token is missing or out of date.", { status: 403 });
}
