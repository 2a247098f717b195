// What every loader and action calls first. Deny by default: no user, no page; a user without
// the permission gets 403 whatever the UI showed them.
import { redirect } from "@remix-run/node";
import { db } from "../utils/db.server";
import { can, type Permission } from "./permissions";
import { sessionUser, type SessionUser } from "./session.server";
import { noteUser } from "../utils/log.server";

export function currentUser(request: Request): SessionUser | null {
  const user = lookUp(request);
  // The request's log line names who asked by their id (server/request-log.ts).
  if (user) noteUser(user.id);
  return user;
}

function lookUp(request: Request): SessionUser | null {
  // A page asks in its root loader and its own: one look-up per request. Only for reads, where
  // nothing in between can sign the person in or out.
  if (request.method !== "GET" && request.method !== "HEAD") return sessionUser(db(), request, new Date());
  if (usersOfRequests.has(request)) return usersOfRequests.get(request)!;
  const user = sessionUser(db(), request, new Date());
  usersOfRequests.set(request, user);
  return user;
}

const usersOfRequests = new WeakMap<Request, SessionUser | null>();

/** Where a sign-in should return to: a path on this site, never another host. */
/** Where a person lands after signing in: the city overview for an executive, the round for the rest. */
export function homeFor(user: { role: string }): string {
  return user.role === "executive" ? "/" : "/round";
}

export function safeRedirect(to: unknown, fallback = "/"): string {
  // Browsers drop tabs and line breaks from a URL before resolving it ("/\t/evil" is "//evil"),
  // and a control character cannot go in a Location header at all.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (typeof to !== "string" || to.length > 2048 || !to.startsWith("/") || /[\u0000-\u001F\u007F\\]/.test(to)) return fallback;
  const base = "http://app.invalid";
  let url: URL;
  try {
    url = new URL(to, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  // Percent-encoded ASCII: safe in a header whatever was typed (Arabic, emoji).
  const path = `${url.pathname}${url.search}${url.hash}`;
  // What the URL parser made of dot segments ("/..//host", "/%2e%2e//host") can itself be
  // protocol-relative: "//host" in a Location header leaves the site.
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return fallback;
  return path;
}

/** The page where a person chooses their own password; the only page open while they must. */
export const CHANGE_PASSWORD_PATH = "/settings/password";

export function requireUser(request: Request): SessionUser {
  const user = currentUser(request);
  const url = new URL(request.url);
  const back = `${url.pathname}${url.search}`;
  if (!user) {
    throw redirect(`/login${back === "/" ? "" : `?${new URLSearchParams({ redirectTo: back })}`}`);
  }
  // After an administrator's reset (or a printed random password) the next page is always the
  // one that replaces it: the administrator must not go on knowing someone's password.
  if (user.mustChangePassword && url.pathname !== CHANGE_PASSWORD_PATH && !url.pathname.startsWith(`${CHANGE_PASSWORD_PATH}.`)) {
    throw redirect(`${CHANGE_PASSWORD_PATH}${back === "/" ? "" : `?${new URLSearchParams({ redirectTo: back })}`}`);
  }
  return user;
}

export function requirePermission(request: Request, permission: Permission, entityCode?: string): SessionUser {
  const user = requireUser(request);
  if (!can(user, permission, entityCode)) throw new Response("Forbidden", { status: 403 });
  return user;
}
