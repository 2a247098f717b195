// The server's refusals before Remix reads a request (server/request-guards.ts), through real
// HTTP on a real Express app: what arrives is what a browser, curl or an attacker would send.
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORM_MAX_BYTES, noStoreByDefault, requestGuards } from "../../server/request-guards";

const UPLOAD_MAX_BYTES = 1_048_576;
let base = "";
let close: () => void;
/** How many bodies the stand-in for Remix finished reading: a refused request must add none. */
let bodiesRead = 0;

beforeAll(async () => {
  const app = express();
  app.use(requestGuards({ uploadMaxBytes: UPLOAD_MAX_BYTES }));
  app.use(noStoreByDefault);
  app.get("/cached", (_req, res) => {
    res.append("Cache-Control", "public, max-age=60");
    res.send("cached");
  });
  app.all("*", (req, res) => {
    req.on("data", () => {});
    req.on("end", () => {
      bodiesRead++;
      res.send("handled");
    });
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});

afterAll(() => close());

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request over a fresh connection; `body` may be shorter than the length it declares. */
function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: options.method ?? "POST", headers: options.headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    // The server may close before a declared body is sent: that is the point.
    req.on("error", (error) => ((error as NodeJS.ErrnoException).code === "ECONNRESET" || (error as NodeJS.ErrnoException).code === "EPIPE" ? undefined : reject(error)));
    if (options.body !== undefined) req.write(options.body);
    if (!options.headers?.["Content-Length"] || Number(options.headers["Content-Length"]) === Buffer.byteLength(options.body ?? "")) req.end();
  });
}

const form = (body: string, extra: Record<string, string> = {}) => ({
  headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(Buffer.byteLength(body)), ...extra },
  body,
});

describe("body limits: refused before a byte of the body is read", () => {
  it("refuses an anonymous 100 MB sign-in at once, from its declared length, with 413", async () => {
    const before = bodiesRead;
    const started = performance.now();
    const answer = await send("/login", {
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(100 * 1024 * 1024) },
      body: "email=a".padEnd(4096, "a"),
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toContain("What was sent is too large.");
    expect(answer.body).toContain("البيانات المرسلة أكبر من المسموح.");
    expect(answer.headers.connection).toBe("close");
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(bodiesRead).toBe(before);
  });

  it("refuses a form one byte over the form limit, and takes one at the limit", async () => {
    expect((await send("/login", form("x".repeat(FORM_MAX_BYTES + 1)))).status).toBe(413);
    expect((await send("/login", form("x".repeat(FORM_MAX_BYTES)))).status).toBe(200);
  });

  it("lets an upload be as large as UPLOAD_MAX_BYTES plus its envelope, no larger", async () => {
    const multipart = (size: number) => ({
      headers: { "Content-Type": "multipart/form-data; boundary=x", "Content-Length": String(size) },
      body: "x".repeat(size),
    });
    expect((await send("/figures/RTA/2018-12", multipart(UPLOAD_MAX_BYTES + 1024))).status).toBe(200);
    expect((await send("/figures/RTA/2018-12", multipart(UPLOAD_MAX_BYTES + 128 * 1024))).status).toBe(413);
  });

  it("asks a body of unknown length (chunked) for its length: 411", async () => {
    const answer = await send("/login", { headers: { "Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked" }, body: "email=a" });
    expect(answer.status).toBe(411);
  });

  it("refuses an absurd Content-Length (not digits, or past any bound) with 413", async () => {
    for (const length of ["99999999999999999999", "1e9"]) {
      const answer = await new Promise<number>((resolve, reject) => {
        // Node's client will not send a malformed length: write the request by hand.
        import("node:net").then(({ connect }) => {
          const socket = connect(Number(new URL(base).port), "127.0.0.1", () => {
            socket.write(`POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`);
          });
          let text = "";
          socket.on("data", (chunk) => (text += chunk));
          socket.on("end", () => resolve(Number(text.split(" ")[1])));
          socket.on("error", reject);
        });
      });
      expect(answer, length).toBeGreaterThanOrEqual(400);
      expect(answer, length).toBeLessThan(500);
    }
  });
});

describe("what a page accepts: forms only, from this site", () => {
  it("answers a JSON or plain-text post to a page 415 with a page in both languages, not a 500", async () => {
    for (const type of ["application/json", "text/plain", "application/xml"]) {
      const answer = await send("/login", { headers: { "Content-Type": type, "Content-Length": "2" }, body: "{}" });
      expect(answer.status, type).toBe(415);
      expect(answer.headers["content-type"]).toMatch(/^text\/html/);
      expect(answer.body).toContain("This address accepts forms only.");
    }
  });

  it("leaves the API to decide what it takes", async () => {
    const answer = await send("/api/v1/figures", { headers: { "Content-Type": "application/json", "Content-Length": "2" }, body: "{}" });
    expect(answer.status).toBe(200);
  });

  it("refuses a post from another site with 403 and says why, where Remix would throw a bare 500", async () => {
    for (const origin of ["https://evil.example", "null", "not a url"]) {
      const answer = await send("/logout", form("csrf=x", { Origin: origin }));
      expect(answer.status, origin).toBe(403);
      expect(answer.body).toContain("This form was sent from another site and was refused.");
    }
  });

  it("takes a post whose Origin is this site", async () => {
    const answer = await send("/logout", form("csrf=x", { Origin: base }));
    expect(answer.status).toBe(200);
  });

  it("answers refusals under /api/ as JSON in the API's error shape", async () => {
    const answer = await send("/api/v1/figures", { headers: { "Content-Type": "text/csv", "Content-Length": String(50 * 1024 * 1024) }, body: "a" });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: { status: 413, message: "What was sent is too large." } });
  });
});

describe("Cache-Control", () => {
  it("marks what Remix answers no-store, so a shared computer's back button shows nothing", async () => {
    const answer = await send("/entities/RTA", { method: "GET" });
    expect(answer.headers["cache-control"]).toBe("no-store");
  });

  it("lets a route that says how to cache replace the default, not add to it", async () => {
    const answer = await send("/cached", { method: "GET" });
    expect(answer.headers["cache-control"]).toBe("public, max-age=60");
  });
});
