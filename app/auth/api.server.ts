// Who is asking, for the read API: a personal access token in `Authorization: Bearer <token>`,
// never a session cookie (a script has none, and a cookie would make every API call a
// cross-site request forgery target). Every API answer is JSON, errors included: a script
// reading it should never have to parse an HTML error page.
import { parsePeriod, viewBounds } from "../figures/month";
import { userForToken, type TokenOwner } from "../models/tokens.server";
import { db } from "../utils/db.server";
import { logError, noteUser } from "../utils/log.server";

export const JSON_HEADERS = {
  "Content-Type": "application/json; charset=utf-8",
  // Answers depend on the token and change as figures are approved: no cache may keep them.
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
};

const REALM = 'Bearer realm="kpi-api"';

/** A successful API answer. */
export function apiJson(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(JSON.stringify(body), {
    status: init.status ?? 200,
    headers: { ...JSON_HEADERS, ...init.headers },
  });
}

/** An API error: `{ "error": { "status", "message" } }`, with the same status on the response. */
export function apiError(status: number, message: string, headers: Record<string, string> = {}): Response {
  return apiJson({ error: { status, message } }, { status, headers });
}

function unauthorized(message: string, error?: "invalid_token"): Response {
  // RFC 6750 §3: say which scheme is expected, and whether the token itself was the problem.
  return apiError(401, message, { "WWW-Authenticate": error ? `${REALM}, error="${error}"` : REALM });
}

/**
 * The owner of the request's token, as they are now. Throws a 401 JSON answer when there is no
 * token, a malformed header, or a token that is unknown, revoked or whose owner is disabled; the
 * last three get one message, so a caller cannot tell a revoked token from one never issued.
 */
export function requireApiUser(request: Request): TokenOwner {
  const header = request.headers.get("Authorization");
  if (header === null || header.trim() === "") {
    throw unauthorized("An API token is required: send it as Authorization: Bearer <token>.");
  }
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match) {
    throw unauthorized("The Authorization header must be the word Bearer, a space and an API token.", "invalid_token");
  }
  const owner = userForToken(db(), match[1], new Date());
  if (!owner) {
    throw unauthorized("The API token is not valid: it is unknown or revoked, or its owner's account is disabled.", "invalid_token");
  }
  noteUser(owner.id);
  return owner;
}

/**
 * Wraps an API loader so that whatever goes wrong still answers JSON: a thrown JSON answer is
 * returned as it is, any other thrown Response keeps its status with its text as the message, and
 * an unexpected error is a 500 (logged here, never shown to the caller).
 */
export function apiLoader(handler: (request: Request) => Response | Promise<Response>) {
  return async ({ request }: { request: Request }): Promise<Response> => {
    try {
      return await handler(request);
    } catch (thrown) {
      if (thrown instanceof Response) {
        if (thrown.headers.get("Content-Type")?.startsWith("application/json")) return thrown;
        const text = await thrown.text();
        return apiError(thrown.status, text || `Request failed with status ${thrown.status}.`);
      }
      logError(thrown, "the API failed");
      return apiError(500, "Something went wrong on the server.");
    }
  };
}

/** The answer to a method an endpoint does not take: 405 in the API's own error shape. */
export function methodNotAllowed(allow: string) {
  return () => apiError(405, `This endpoint takes ${allow} only.`, { Allow: allow });
}

/**
 * One query parameter, given at most once. null when absent; a repeated parameter is a 400, since
 * which of the two was meant cannot be guessed.
 */
export function queryParam(params: URLSearchParams, name: string): string | null {
  const values = params.getAll(name);
  if (values.length > 1) throw apiError(400, `The parameter "${name}" may be given only once.`);
  return values[0] ?? null;
}

/** A month parameter, YYYY-MM; null when absent and not required. */
export function monthParam(params: URLSearchParams, name: string, required: true): string;
export function monthParam(params: URLSearchParams, name: string, required?: false): string | null;
export function monthParam(params: URLSearchParams, name: string, required = false): string | null {
  const value = queryParam(params, name);
  if (value === null) {
    if (required) throw apiError(400, `The parameter "${name}" is required: a month written YYYY-MM.`);
    return null;
  }
  const parsed = parsePeriod(value, viewBounds(new Date()));
  if (!parsed.ok) {
    const { earliest, latest } = parsed.bounds;
    throw apiError(400, `The parameter "${name}" must be a month written YYYY-MM from ${earliest} to ${latest}, such as 2018-12.`);
  }
  return value;
}
