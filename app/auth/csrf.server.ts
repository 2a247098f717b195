// Cross-site request forgery: every form that changes something carries a token another site
// cannot know. Signed in, the token is derived from the session's own secret cookie, so a
// `csrf` cookie planted by someone else (a sibling subdomain, a man in the middle on plain HTTP)
// is worth nothing against a victim's session. Before sign-in there is no session: the token is
// held in an HttpOnly cookie and copied into the form (double submit).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { refuse } from "../utils/http.server";
import { readCookie, serializeCookie } from "./cookies.server";
import { SESSION_COOKIE } from "./session.server";

export const CSRF_COOKIE = "csrf";
export const CSRF_FIELD = "csrf";
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The token bound to a session: only whoever holds the session cookie can compute it. */
function sessionToken(request: Request): string | null {
  const session = readCookie(request, SESSION_COOKIE);
  if (!session) return null;
  return createHmac("sha256", session).update("csrf").digest("base64url");
}

/** The request's token, and the Set-Cookie header that issues one when it needs one. */
export function csrfToken(request: Request): { token: string; setCookie: string | null } {
  const bound = sessionToken(request);
  if (bound) return { token: bound, setCookie: null };
  const existing = readCookie(request, CSRF_COOKIE);
  if (existing && TOKEN.test(existing)) return { token: existing, setCookie: null };
  const token = randomBytes(32).toString("base64url");
  return { token, setCookie: serializeCookie(CSRF_COOKIE, token, request, { maxAgeSeconds: 30 * 24 * 3600 }) };
}

/** Throws 403 unless the form carries the token this request's session (or cookie) expects. */
export function requireCsrf(request: Request, form: FormData): void {
  const cookie = readCookie(request, CSRF_COOKIE);
  // Only tokens of the shape csrfToken issues: anything else in the cookie is not one of ours.
  const expected = sessionToken(request) ?? (TOKEN.test(cookie ?? "") ? cookie! : "");
  const field = form.get(CSRF_FIELD);
  const a = Buffer.from(expected);
  const b = Buffer.from(typeof field === "string" ? field : "");
  const valid = expected !== "" && a.length === b.length && timingSafeEqual(a, b);
  if (!valid) refuse(403, "error.csrf");
}
