// Plain HTTP against the built server, for what only the wire shows: status codes, headers,
// cookies, timing. No browser: a browser would follow redirects, drop headers and hide a 500.
import { execFileSync } from "node:child_process";
import http from "node:http";
import Database from "better-sqlite3";
import { expect } from "vitest";

export const DEMO_PASSWORD = "demo-password";

/** One answer, read in full: what a person checking by hand would look at. */
export interface Answer {
  status: number;
  headers: Headers;
  body: string;
  /** Milliseconds from sending the request to the end of the body. */
  ms: number;
  location: string | null;
}

/** A visitor with a cookie jar: every answer's Set-Cookie is kept and sent back. */
export class Client {
  readonly jar = new Map<string, string>();

  constructor(readonly baseURL: string) {}

  cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** Never follows redirects. `cookie` replaces the jar's Cookie header when given. */
  async fetch(path: string, init: RequestInit & { cookie?: string } = {}): Promise<Answer> {
    const { cookie, headers, ...rest } = init;
    const sent = new Headers(headers);
    const cookies = cookie ?? this.cookieHeader();
    if (cookies && !sent.has("Cookie")) sent.set("Cookie", cookies);
    const started = performance.now();
    const response = await fetch(new URL(path, this.baseURL), { redirect: "manual", ...rest, headers: sent });
    const body = await response.text();
    const ms = performance.now() - started;
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair.indexOf("=");
      this.jar.set(pair.slice(0, at).trim(), pair.slice(at + 1));
    }
    return { status: response.status, headers: response.headers, body, ms, location: response.headers.get("Location") };
  }

  /** A urlencoded form post, as a browser without JavaScript sends it. */
  post(path: string, fields: Record<string, string>, init: RequestInit & { cookie?: string } = {}): Promise<Answer> {
    const headers = new Headers(init.headers);
    headers.set("Content-Type", "application/x-www-form-urlencoded");
    return this.fetch(path, { ...init, method: "POST", headers, body: new URLSearchParams(fields).toString() });
  }

  /** The CSRF token of a page's forms (the hidden `csrf` input). */
  async csrf(path = "/"): Promise<string> {
    const page = await this.fetch(path);
    expect(page.status, `GET ${path} for its CSRF token`).toBe(200);
    return csrfOf(page.body);
  }
}

export function csrfOf(html: string): string {
  const match = /<input type="hidden" name="csrf" value="([A-Za-z0-9_-]+)"/.exec(html);
  if (!match) throw new Error("No CSRF field in the page");
  return match[1];
}

/** The value of a hidden input, e.g. the entry page's `openedAt`. */
export function hiddenValue(html: string, name: string): string {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`No hidden field ${name} in the page`);
  return match[1];
}

/** A page's text as a reader sees it: tags dropped, entities decoded, spaces collapsed. */
export function pageText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/[\u200e\u200f\u2066-\u2069]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Signs in through the form over HTTP: GET /login for the CSRF cookie and field, then POST. */
export async function signIn(baseURL: string, email: string, password = DEMO_PASSWORD): Promise<Client> {
  const client = new Client(baseURL);
  const csrf = await client.csrf("/login");
  const answer = await client.post("/login", { email, password, csrf, redirectTo: "/" });
  expect(answer.status, `sign-in of ${email}: ${pageText(answer.body).slice(0, 200)}`).toBe(302);
  expect(client.jar.get("sid")).toBeTruthy();
  return client;
}

/**
 * Creates an account with `kpi user add`, the way an operator does. With KPI_USER_PASSWORD set
 * the owner need not change it at first sign-in. Returns the new user's id.
 */
export function addUser(
  databasePath: string,
  user: { email: string; role: "admin" | "executive" | "analyst" | "focal-point"; entity?: string; password: string },
): number {
  const args = ["--import", "tsx", "cli/kpi.ts", "user", "add", "--email", user.email, "--role", user.role, "--name", user.email];
  if (user.entity) args.push("--entity", user.entity);
  execFileSync(process.execPath, args, {
    env: { ...process.env, DATABASE_PATH: databasePath, KPI_USER_PASSWORD: user.password },
    encoding: "utf8",
  });
  const row = query<{ id: number }>(databasePath, "SELECT id FROM users WHERE email = ?", user.email)[0];
  if (!row) throw new Error(`kpi user add did not create ${user.email}`);
  return row.id;
}

/** Reads the server's database (read-only: the server is the only writer under test). */
export function query<T>(databasePath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

/**
 * A request written by hand with node:http, for what fetch will not send: a Content-Length that
 * lies, a chunked body. Writes `chunks`, then waits for the answer without ending the body when
 * `end` is false (the server must answer without reading the rest). Write errors after the
 * server has answered and closed (EPIPE, ECONNRESET) are expected and ignored.
 */
export function rawRequest(
  baseURL: string,
  options: { method: string; path: string; headers: Record<string, string | number>; chunks: Buffer[]; end: boolean; timeoutMs?: number },
): Promise<RawAnswer> {
  const url = new URL(options.path, baseURL);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request({
      host: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      method: options.method,
      headers: options.headers,
      agent: false,
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`No answer to ${options.method} ${options.path} within ${options.timeoutMs ?? 10_000} ms`));
    }, options.timeoutMs ?? 10_000);
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: performance.now() - started });
      });
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE" || error.code === "ECONNRESET") return; // the answer may still come
      clearTimeout(timer);
      reject(error);
    });
    for (const chunk of options.chunks) req.write(chunk);
    if (options.end) req.end();
  });
}
