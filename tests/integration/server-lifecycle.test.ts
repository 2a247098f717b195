// The built server as an operator runs it (`node build/start.js`), in a process of its own: the
// health endpoints, its JSON log lines, and stopping on SIGTERM with a request in flight.
// docs/decisions/0021-backups-logs-shutdown.md.
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { get } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, csrfOf, DEMO_PASSWORD } from "../e2e/http";
import { ensureServerBuilt, startServer, type RunningServer } from "../helpers/built";

const dir = mkdtempSync(path.join(tmpdir(), "server-lifecycle-"));
const databasePath = path.join(dir, "kpi.db");
let server: RunningServer;

beforeAll(async () => {
  ensureServerBuilt();
  // Two web workers whatever the machine, so the tests below see the processes a server runs;
  // an operator's own allocator setting, which the workers must keep.
  server = await startServer(databasePath, { SEED_DEMO: "true", WEB_CONCURRENCY: "2", MALLOC_ARENA_MAX: "4" });
}, 240_000);

afterAll(async () => {
  if (server?.child.exitCode === null) {
    server.child.kill("SIGKILL");
    await server.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

interface LogLine {
  level: string;
  time: string;
  msg: string;
  reqId?: string;
  method?: string;
  route?: string;
  status?: number;
  ms?: number;
  userId?: number | null;
  [key: string]: unknown;
}

/** Every line the server wrote, each parsed as JSON (a line that is not fails the test). */
function logLines(): LogLine[] {
  return server.lines().map((line) => {
    try {
      return JSON.parse(line) as LogLine;
    } catch {
      throw new Error(`a log line that is not JSON: ${line}`);
    }
  });
}

const userIdOf = (email: string) => {
  const db = new Database(databasePath, { readonly: true });
  try {
    return (db.prepare("SELECT id FROM users WHERE email = ?").get(email) as { id: number }).id;
  } finally {
    db.close();
  }
};

describe("health", () => {
  it("GET /healthz: 200 and nothing but that, with the security headers, no session, no version", async () => {
    const answer = await fetch(`${server.url}/healthz`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ status: "ok" });
    expect(answer.headers.get("Content-Security-Policy")).toMatch(/frame-ancestors 'none'/);
    expect(answer.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(answer.headers.get("X-Frame-Options")).toBe("DENY");
    expect(answer.headers.get("Cache-Control")).toBe("no-store");
    expect(answer.headers.get("Set-Cookie")).toBeNull();
    expect(answer.headers.get("X-Powered-By")).toBeNull();
    expect(answer.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("GET /readyz: 200 with its checks by name; 503 naming the database when its file cannot be read, 200 again when it can", async () => {
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get("Set-Cookie")).toBeNull();
    expect(ready.headers.get("Cache-Control")).toBe("no-store");
    expect(await ready.json()).toEqual({
      status: "ready",
      checks: { database: "ok", migrations: "ok", definitions: "ok", server: "ok" },
    });
    // The file taken from under the server (a disk unmounted, a file moved by hand).
    const away = path.join(dir, "away");
    for (const suffix of ["", "-wal", "-shm"]) renameSync(databasePath + suffix, away + suffix);
    try {
      const gone = await fetch(`${server.url}/readyz`);
      expect(gone.status).toBe(503);
      expect(await gone.json()).toEqual({
        status: "not ready",
        checks: { database: "unreachable", migrations: "unknown", definitions: "unknown", server: "ok" },
      });
      // The process still answers.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      for (const suffix of ["", "-wal", "-shm"]) renameSync(away + suffix, databasePath + suffix);
    }
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });
});

describe("the log", () => {
  it("is one JSON line per request, with the id the response's header shows, the route, status, duration and the user's id, never an address or a secret", async () => {
    const client = new Client(server.url);
    const csrf = await client.csrf("/login");
    const signIn = await client.post("/login", { email: "analyst@example.com", password: DEMO_PASSWORD, csrf, redirectTo: "/" });
    expect(signIn.status).toBe(302);
    const page = await client.fetch("/kpis");
    expect(page.status).toBe(200);
    const missing = await client.fetch("/no/such/page?period=2018-12");
    expect(missing.status).toBe(404);
    // An id the proxy gave is not taken unless TRUST_PROXY says the proxy is believed.
    const forwarded = await fetch(`${server.url}/login`, { headers: { "X-Request-Id": "from-the-client-1234" } });
    expect(forwarded.headers.get("X-Request-Id")).not.toBe("from-the-client-1234");
    await new Promise((resolve) => setTimeout(resolve, 200));

    const lines = logLines();
    const analyst = userIdOf("analyst@example.com");
    const lineOf = (answer: { headers: Headers }) => {
      const id = answer.headers.get("X-Request-Id");
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const found = lines.filter((l) => l.reqId === id && l.msg === "request");
      expect(found, `one line for request ${id}`).toHaveLength(1);
      return found[0];
    };
    expect(lineOf(signIn)).toMatchObject({ level: "info", method: "POST", route: "/login", status: 302, userId: null });
    expect(lineOf(page)).toMatchObject({ level: "info", method: "GET", route: "/kpis", status: 200, userId: analyst });
    // The path, without its query.
    expect(lineOf(missing)).toMatchObject({ route: "/no/such/page", status: 404, userId: analyst });
    expect(lineOf(page).ms).toBeGreaterThan(0);
    expect(new Date(lineOf(page).time).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const everything = server.lines().join("\n");
    expect(everything).not.toContain("analyst@example.com");
    expect(everything).not.toContain(DEMO_PASSWORD);
    expect(everything).not.toContain(client.jar.get("sid")!);
    expect(everything).not.toContain(csrf);
    // Monitors' probes are written at debug only (LOG_LEVEL is info here), unless they fail.
    const probes = lines.filter((l) => l.route === "/healthz" || l.route === "/readyz");
    expect(probes.map((l) => [l.level, l.status])).toEqual([["error", 503]]);
  });
});

/** The answer's bytes as sent (fetch would decompress them), and its headers. */
function asBytes(url: string, acceptEncoding: string): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) =>
    get(url, { headers: { "Accept-Encoding": acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject),
  );
}

describe("static assets", () => {
  it("a script goes to a browser taking brotli as compressed when built, to others compressed as asked; both are the file", async () => {
    const assets = path.resolve(__dirname, "../../build/client/assets");
    const script = readdirSync(assets).find((n) => /^entry\.client-.*\.js$/.test(n))!;
    const original = readFileSync(path.join(assets, script));
    const br = await asBytes(`${server.url}/assets/${script}`, "gzip, deflate, br");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(br.headers["vary"]).toMatch(/Accept-Encoding/);
    expect(br.body.equals(readFileSync(path.join(assets, `${script}.br`)))).toBe(true);
    expect(brotliDecompressSync(br.body).equals(original)).toBe(true);

    const gzip = await asBytes(`${server.url}/assets/${script}`, "gzip");
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzip.body).equals(original)).toBe(true);

    // Brotli refused by its weight: not the prepared file.
    const refused = await asBytes(`${server.url}/assets/${script}`, "br;q=0, gzip");
    expect(refused.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(refused.body).equals(original)).toBe(true);
  });

  it("hostile asset addresses and encodings: never a file outside the assets, never a 500", async () => {
    const bundle = readFileSync(path.resolve(__dirname, "../../build/start.js"));
    for (const address of ["/assets/..%2f..%2fstart.js", "/assets/..%2F..%2Fstart.js.br", "/assets/%2e%2e/%2e%2e/start.js", `/assets/${"a".repeat(5000)}.js`, "/assets/x.js%00.br"]) {
      for (const encoding of ["br", `${"br,".repeat(2000)}gzip`, "*;q=0.5, br;q=0"]) {
        const answer = await asBytes(`${server.url}${address}`, encoding);
        expect(answer.status, `${address} ${encoding.slice(0, 20)}`).toBeLessThan(500);
        expect(answer.headers["content-encoding"], address).not.toBe("br");
        expect(answer.body.includes(bundle.subarray(0, 200))).toBe(false);
      }
    }
  });

  it("the icon beside the assets is served; any other name there is a page's address, never a file", async () => {
    const icon = await asBytes(`${server.url}/favicon.svg`, "identity");
    expect(icon.status).toBe(200);
    expect(icon.headers["content-type"]).toMatch(/^image\/svg\+xml/);
    expect(icon.headers["cache-control"]).toBe("public, max-age=3600");
    expect(icon.body.equals(readFileSync(path.resolve(__dirname, "../../build/client/favicon.svg")))).toBe(true);
    const bundle = readFileSync(path.resolve(__dirname, "../../build/start.js"));
    for (const address of ["/start.js", "/..%2fstart.js", "/%2e%2e/start.js", "/assets", "/favicon.svg%00", "/FAVICON.SVG"]) {
      const answer = await asBytes(`${server.url}${address}`, "identity");
      expect(answer.status, address).toBeGreaterThanOrEqual(300);
      expect(answer.status, address).toBeLessThan(500);
      expect(answer.body.includes(bundle.subarray(0, 200)), address).toBe(false);
    }
  });
});

describe("a scorecard's table, made by its loader (decision 28)", () => {
  it("is in a document once, not again in the data it hydrates from; a navigation's data carries it, whatever the address says", async () => {
    const client = new Client(server.url);
    const csrf = csrfOf((await client.fetch("/login")).body);
    // The analyst: the SIGTERM test below counts the executive's sessions.
    expect((await client.post("/login", { email: "analyst@example.com", password: DEMO_PASSWORD, csrf, redirectTo: "/" })).status).toBe(302);
    const rows = (text: string) => text.match(/<tr data-kpi="/g)?.length ?? 0;
    const escapedRows = (text: string) => text.match(/<tr data-kpi=\\"/g)?.length ?? 0;

    const page = await client.fetch("/entities/RTA?period=2018-12");
    expect(page.status).toBe(200);
    expect(rows(page.body)).toBe(9);
    expect(escapedRows(page.body)).toBe(0);

    const data = await client.fetch("/entities/RTA.data?period=2018-12");
    expect(data.status).toBe(200);
    expect(rows(data.body)).toBe(0);
    expect(escapedRows(data.body)).toBe(9);

    // Addresses Remix reads as a page's data (its dots resolved) get the table in the data too;
    // ones it reads as a document get it in the page.
    for (const path of ["/figures/../entities/RTA.data?period=2018-12", "/entities/RTA.data?x=.html#y"]) {
      const answer = await client.fetch(path);
      expect([path, answer.status, escapedRows(answer.body)]).toEqual([path, 200, 9]);
    }
    for (const path of ["/entities/RTA?x=.data", "/entities/RTA.data/../RTA?period=2018-12"]) {
      const answer = await client.fetch(path);
      expect([path, answer.status, rows(answer.body), escapedRows(answer.body)]).toEqual([path, 200, 9, 0]);
    }
    // The older `?_data=`: Remix answers it with nothing in a single-fetch app.
    const old = await client.fetch("/entities/RTA?period=2018-12&_data=routes%2Fentities.%24code");
    expect([old.status, old.body]).toEqual([200, ""]);
  });
});

describe("web workers", () => {
  it("answer on the one port, each holding its own lock beside the primary's; the primary answers no request", async () => {
    const ready = logLines().find((l) => l.msg.startsWith("Smart compliance dashboard at"));
    expect(ready).toMatchObject({ workers: 2, pid: server.child.pid });
    const locks = () => readdirSync(dir).filter((n) => n.endsWith(".lock"));
    for (let waited = 0; locks().length < 3 && waited < 2_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(locks()).toHaveLength(3);
    expect(locks()).toContain(`kpi.db.server-${server.child.pid}.lock`);

    // A new connection for each request: the primary hands them round the workers.
    for (let i = 0; i < 12; i++) await (await fetch(`${server.url}/login`, { headers: { Connection: "close" } })).text();
    const answeredBy = new Set(logLines().filter((l) => l.route === "/login").map((l) => l.pid));
    expect(answeredBy.size).toBe(2);
    expect(answeredBy.has(server.child.pid)).toBe(false);
  });

  it("are started with glibc's allocator settings (server/index.ts), an operator's own value kept", async () => {
    for (let i = 0; i < 6; i++) await (await fetch(`${server.url}/login`, { headers: { Connection: "close" } })).text();
    const workers = [...new Set(logLines().filter((l) => l.route === "/login").map((l) => l.pid as number))];
    expect(workers).toHaveLength(2);
    const environOf = (pid: number) =>
      Object.fromEntries(
        readFileSync(`/proc/${pid}/environ`, "utf8")
          .split("\0")
          .filter((v) => v.startsWith("MALLOC_"))
          .map((v) => v.split("=")),
      );
    for (const pid of workers) {
      expect(environOf(pid)).toEqual({ MALLOC_ARENA_MAX: "4", MALLOC_MMAP_THRESHOLD_: "131072", MALLOC_TRIM_THRESHOLD_: "131072" });
    }
    // The primary runs as it was started.
    expect(environOf(server.child.pid!)).toEqual({ MALLOC_ARENA_MAX: "4" });
  });

  it("a port already taken: the server says so in its log and exits 1, leaving no lock", async () => {
    const otherDir = mkdtempSync(path.join(tmpdir(), "server-lifecycle-port-"));
    try {
      const { port } = new URL(server.url);
      const second = spawn(process.execPath, ["build/start.js"], {
        env: { ...process.env, NODE_ENV: "production", PORT: port, HOST: "127.0.0.1", DATABASE_PATH: path.join(otherDir, "kpi.db"), SEED_DEMO: "false", WEB_CONCURRENCY: "2" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      second.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      second.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => second.once("exit", resolve));
      expect(code).toBe(1);
      const lines = output.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as LogLine);
      expect(lines.find((l) => l.level === "fatal" && l.msg === `cannot serve on 127.0.0.1:${port}`)).toBeDefined();
      expect(readdirSync(otherDir).filter((n) => n.endsWith(".lock"))).toEqual([]);
      // The first server is untouched.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});

describe("SIGTERM", () => {
  it("lets a request in flight finish, refuses new connections, checkpoints the database and exits 0", async () => {
    // A sign-in whose form is still arriving when the signal comes: the write it makes (a session)
    // must reach the database file.
    const client = new Client(server.url);
    const csrf = csrfOf((await client.fetch("/login")).body);
    const body = new URLSearchParams({ email: "executive@example.com", password: DEMO_PASSWORD, csrf, redirectTo: "/" }).toString();
    const { port } = new URL(server.url);
    const socket = connect(Number(port), "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.write(
      [
        "POST /login HTTP/1.1",
        `Host: 127.0.0.1:${port}`,
        "Content-Type: application/x-www-form-urlencoded",
        `Content-Length: ${body.length}`,
        `Cookie: ${client.cookieHeader()}`,
        "",
        body.slice(0, 20),
      ].join("\r\n"),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalled = Date.now();
    server.child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 700));

    // Still finishing: no new connection is taken meanwhile.
    expect(server.child.exitCode).toBeNull();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();

    socket.write(body.slice(20));
    const code = await server.exited;
    await closed;
    expect(code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(answer).toMatch(/^HTTP\/1\.1 302 Found\r\n/);
    expect(answer).toMatch(/\r\nSet-Cookie: sid=/i);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);

    // Checkpointed and closed: no write-ahead log left, nothing held, the session in the file itself.
    expect(existsSync(`${databasePath}-wal`) ? statSync(`${databasePath}-wal`).size : 0).toBe(0);
    expect(readdirSync(dir).filter((n) => n.endsWith(".lock"))).toEqual([]);
    const db = new Database(databasePath, { readonly: true });
    try {
      const sessions = db.prepare("SELECT count(*) AS n FROM sessions WHERE user_id = ? AND ended_at IS NULL").get(userIdOf("executive@example.com")) as { n: number };
      expect(sessions.n).toBe(1);
      expect((db.pragma("integrity_check") as Array<{ integrity_check: string }>)[0].integrity_check).toBe("ok");
    } finally {
      db.close();
    }
    const lines = logLines();
    // Each web worker says what it was finishing; the one with the sign-in had it in flight.
    const stopping = lines.filter((l) => l.msg.startsWith("stopping: finishing"));
    expect(stopping.length).toBeGreaterThanOrEqual(1);
    expect(stopping.every((l) => l.signal === "SIGTERM")).toBe(true);
    expect(stopping.map((l) => l.inFlight).sort()).toContain(1);
    expect(lines.at(-1)).toMatchObject({ msg: "stopped", code: 0 });
  });
});

describe("npm start", () => {
  it("hands a SIGTERM to the server itself: it stops as it would on its own, and leaves nothing running", async () => {
    // The script as npm runs it, through sh, without the build (made above): npm passes a
    // SIGTERM to that shell, which would die and leave the server running without `exec`.
    const script = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: { start: string } }).scripts.start;
    expect(script.startsWith("npm run build && ")).toBe(true);
    const otherDir = mkdtempSync(path.join(tmpdir(), "npm-start-"));
    const started = await startServer(path.join(otherDir, "kpi.db"), { SEED_DEMO: "true", WEB_CONCURRENCY: "1" }, script.slice("npm run build && ".length));
    try {
      started.child.kill("SIGTERM");
      expect(await started.exited).toBe(0);
      expect(JSON.parse(started.lines().at(-1)!)).toMatchObject({ msg: "stopped", code: 0 });
      await expect(fetch(`${started.url}/healthz`)).rejects.toThrow();
    } finally {
      // Whatever the outcome, nothing of it is left: the whole process group.
      try {
        process.kill(-started.child.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
      rmSync(otherDir, { recursive: true, force: true });
    }
  }, 120_000);
});
