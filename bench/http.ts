// A small HTTP client for the benchmark. node:http rather than fetch: fetch decompresses behind
// our back, and the bytes on the wire are one of the things measured. One keep-alive agent, as a
// browser keeps its connection open between pages.
import http from "node:http";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as received (compressed when the server compressed it). */
  wireBytes: number;
  /** The body after decompression. */
  bytes: number;
  body: Buffer;
  /** From sending the request to the first byte of the body, and to its last. */
  firstByteMs: number;
  totalMs: number;
}

export class Client {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  private readonly cookies = new Map<string, string>();
  private readonly headers: Record<string, string> = {};

  constructor(readonly base: string) {}

  /** Sent on every request, e.g. Authorization for the API. */
  setHeader(name: string, value: string): void {
    this.headers[name] = value;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /**
   * One request. `onChunk` sees each piece of the body as it arrives (for streamed exports);
   * `keepBody: false` counts the bytes without keeping them (for a whole-history export).
   */
  /**
   * One request. A GET that fails with ECONNRESET on a reused keep-alive connection is sent once
   * more: the server may close an idle connection just as the next request goes out (Node's
   * keepAliveTimeout race, easily hit after the event loop was blocked), which is no answer of
   * the app's.
   */
  async request(pathname: string, options: Parameters<Client["send"]>[1] = {}): Promise<Answer> {
    try {
      return await this.send(pathname, options);
    } catch (error) {
      const reused = (error as { reusedSocket?: boolean }).reusedSocket;
      if (reused && (error as NodeJS.ErrnoException).code === "ECONNRESET" && (options.method ?? "GET") === "GET") {
        return this.send(pathname, options);
      }
      throw error;
    }
  }

  private send(
    pathname: string,
    options: {
      method?: string;
      body?: string;
      contentType?: string;
      encoding?: string;
      keepBody?: boolean;
      onFirstByte?: () => void;
    } = {},
  ): Promise<Answer> {
    const url = new URL(pathname, this.base);
    const started = performance.now();
    const keepBody = options.keepBody ?? true;
    const headers: Record<string, string> = {
      ...this.headers,
      "accept-encoding": options.encoding ?? "gzip, br",
      accept: "text/html,application/json,*/*",
      "user-agent": "smart-compliance-bench",
    };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (options.body !== undefined) {
      headers["content-type"] = options.contentType ?? "application/x-www-form-urlencoded";
      headers["content-length"] = String(Buffer.byteLength(options.body));
    }
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method: options.method ?? "GET", headers, agent: this.agent }, (res) => {
        for (const line of res.headers["set-cookie"] ?? []) {
          const [pair, ...attributes] = line.split(";");
          const eq = pair.indexOf("=");
          const name = pair.slice(0, eq).trim();
          const value = pair.slice(eq + 1).trim();
          const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
          if (expired) this.cookies.delete(name);
          else this.cookies.set(name, value);
        }
        const chunks: Buffer[] = [];
        let wireBytes = 0;
        let firstByteMs = NaN;
        res.on("data", (chunk: Buffer) => {
          if (wireBytes === 0) {
            firstByteMs = performance.now() - started;
            options.onFirstByte?.();
          }
          wireBytes += chunk.length;
          if (keepBody) chunks.push(chunk);
        });
        res.on("error", reject);
        res.on("end", () => {
          const totalMs = performance.now() - started;
          const raw = Buffer.concat(chunks);
          const body = keepBody ? decode(raw, res.headers["content-encoding"]) : raw;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            wireBytes,
            bytes: keepBody ? body.length : wireBytes,
            body,
            firstByteMs: Number.isNaN(firstByteMs) ? totalMs : firstByteMs,
            totalMs,
          });
        });
      });
      req.on("error", (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
      if (options.body !== undefined) req.write(options.body);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function decode(raw: Buffer, encoding: string | undefined): Buffer {
  switch (encoding) {
    case "gzip":
      return gunzipSync(raw);
    case "br":
      return brotliDecompressSync(raw);
    case "deflate":
      return inflateSync(raw);
    default:
      return raw;
  }
}

/** The value of the hidden input named `name` in a page, whatever the order of its attributes. */
export function hiddenInput(html: string, name: string): string | null {
  for (const match of html.matchAll(/<input\b[^>]*>/gi)) {
    const tag = match[0];
    if (!new RegExp(`\\bname=["']${name}["']`, "i").test(tag)) continue;
    const value = /\bvalue=["']([^"']*)["']/i.exec(tag);
    if (value) return value[1].replaceAll("&amp;", "&").replaceAll("&quot;", '"').replaceAll("&#x27;", "'");
  }
  return null;
}

/**
 * Signs in as a person does without JavaScript: the sign-in page sets the CSRF cookie and puts
 * the same token in the form; posting the form sets the session cookie. Every hidden input of
 * the form is sent back, so a field added to it later (a nonce, a timestamp) keeps working.
 */
export async function signIn(client: Client, email: string, password: string): Promise<void> {
  const page = await client.request("/login");
  if (page.status !== 200) throw new Error(`GET /login answered ${page.status}`);
  const html = page.body.toString("utf8");
  const form = new URLSearchParams();
  for (const match of html.matchAll(/<input\b[^>]*type=["']hidden["'][^>]*>/gi)) {
    const name = /\bname=["']([^"']+)["']/i.exec(match[0])?.[1];
    const value = name ? hiddenInput(match[0], name) : null;
    if (name && value !== null) form.set(name, value);
  }
  if (!form.has("csrf")) throw new Error("the sign-in page has no hidden csrf input");
  form.set("email", email);
  form.set("password", password);
  form.set("redirectTo", "/");
  const answer = await client.request("/login", { method: "POST", body: form.toString() });
  if (answer.status < 300 || answer.status >= 400) {
    throw new Error(`signing in as ${email} answered ${answer.status}: ${answer.body.toString("utf8").slice(0, 300)}`);
  }
  // Whatever the session cookie is called, the sign-in page now sends a signed-in person on.
  const check = await client.request("/login");
  if (check.status < 300 || check.status >= 400) throw new Error(`signed in as ${email}, but /login still answers ${check.status}`);
}
