// Regression tests for the hostile review of issue 10, at the HTTP level, through the built
// server: what an attacker or a careless operator sends, and what must come back (status,
// headers, the words on the page). Every account that fails a sign-in here is created for this
// file: the demo accounts are shared with the other browser tests and must never be locked out.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { addMonths, periodOf } from "../../app/figures/month";
import { addUser, Client, csrfOf, DEMO_PASSWORD, hiddenValue, pageText, query, rawRequest, signIn, type Answer } from "./http";

const baseURL = inject("baseURL");
const databasePath = inject("databasePath");

// Fresh addresses each run, so the file can also run twice against one database.
const run = Date.now().toString(36);
const accounts = {
  lockout: { email: `lockout.${run}@example.com`, role: "analyst", password: "the-right-password" },
  reset: { email: `reset.${run}@example.com`, role: "analyst", password: "first-password-1" },
  focalA: { email: `focal-a.${run}@example.com`, role: "focal-point", entity: "DM", password: "focal-a-password" },
  focalB: { email: `focal-b.${run}@example.com`, role: "focal-point", entity: "DM", password: "focal-b-password" },
} as const;
const ids: Partial<Record<keyof typeof accounts, number>> = {};

beforeAll(() => {
  for (const [key, account] of Object.entries(accounts)) ids[key as keyof typeof accounts] = addUser(databasePath, account);
});

/** What the months outside the bounds are answered with (docs/decisions/0009-month-bounds.md). */
const latestMonth = addMonths(periodOf(new Date()), 60);

/** Creates an API token on the tokens page; the page shows it once, in an <output>. */
async function createToken(client: Client, name: string): Promise<string> {
  const csrf = await client.csrf("/settings/tokens");
  const answer = await client.post("/settings/tokens", { csrf, intent: "create", name });
  expect(answer.status).toBe(200);
  const token = /<output[^>]*><code>([^<]+)<\/code><\/output>/.exec(answer.body)?.[1];
  expect(token, "the new token in the page").toBeTruthy();
  return token!;
}

const json = (answer: Answer) => JSON.parse(answer.body) as { error?: { status: number; message: string } };

/** A Location header stays on this site: a path, not "//host", resolving to our own origin. */
function expectOnSite(location: string | null, request: string) {
  const where = `${request} answered Location: ${JSON.stringify(location)}`;
  expect(location, where).not.toBeNull();
  expect(location!.startsWith("/") && !location!.startsWith("//") && !location!.startsWith("/\\"), where).toBe(true);
  expect(new URL(location!, baseURL).origin, where).toBe(baseURL);
}

describe("issue 10 at the HTTP level", () => {
  it("an out-of-range or malformed month is a quick 400 naming the allowed months, in English and Arabic, and does not stall other requests", async () => {
    const analyst = await signIn(baseURL, "analyst@example.com");
    const range = {
      en: `Choose a month from 1980-01 to ${latestMonth}.`,
      ar: `اختر شهرًا من 1980-01 إلى ${latestMonth}.`,
    };
    const cases: Array<[string, { en: string; ar: string }]> = [
      ["/kpis/SMART_ADOPTION?period=9999-12", range],
      ["/?period=9999-12", range],
      ["/entities/RTA?period=9999-12", range],
      ["/figures?period=9999-12", range],
      ["/strategy/pillars/connected-services?period=3000-01", range],
      ["/?period=1899-12", range],
      // Not a month at all, or two of them: the page says what is wrong with the address.
      ["/?period=2018-13", { en: "The month must be written YYYY-MM, for example 2018-12.", ar: "يجب كتابة الشهر بالصيغة YYYY-MM، مثل 2018-12." }],
      ["/?period=2018-12&period=2019-01", { en: "Give the month only once in the address.", ar: "اذكر الشهر مرة واحدة فقط في العنوان." }],
    ];

    // The 9999-12 pages once ran for 70 s and stalled the whole server: ask for them all at
    // once, and meanwhile for the sign-in page, which must still answer at once.
    const heavy = Promise.all(cases.slice(0, 4).map(([url]) => analyst.fetch(url)));
    const login = await new Client(baseURL).fetch("/login");
    expect(login.status).toBe(200);
    expect(login.ms).toBeLessThan(1_000);
    await heavy;

    for (const [url, message] of cases) {
      const en = await analyst.fetch(url);
      expect(en.status, `GET ${url}`).toBe(400);
      expect(en.ms, `GET ${url}`).toBeLessThan(2_000);
      expect(en.headers.get("Content-Type")).toMatch(/^text\/html/);
      expect(pageText(en.body), `GET ${url}`).toContain(message.en);

      const ar = await analyst.fetch(url, { cookie: `${analyst.cookieHeader()}; lang=ar` });
      expect(ar.status, `GET ${url} in Arabic`).toBe(400);
      expect(ar.ms).toBeLessThan(2_000);
      expect(ar.body).toMatch(/<html[^>]* dir="rtl"/);
      expect(pageText(ar.body), `GET ${url} in Arabic`).toContain(message.ar);
    }

    // The API answers the same month in its own shape.
    const token = await createToken(analyst, `month bounds ${run}`);
    const api = await analyst.fetch("/api/v1/report?period=9999-12", { headers: { Authorization: `Bearer ${token}` }, cookie: "" });
    expect(api.status).toBe(400);
    expect(api.ms).toBeLessThan(2_000);
    expect(api.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(json(api).error).toMatchObject({ status: 400, message: expect.stringContaining(`from 1980-01 to ${latestMonth}`) });
  });

  it("the sign-in lock-out holds against a burst: of 41 simultaneous attempts at most 5 are tried, the rest get 429 with Retry-After", async () => {
    const { email, password } = accounts.lockout;
    const client = new Client(baseURL);
    const csrf = await client.csrf("/login");
    // 40 wrong passwords and the right one, in random order, all sent before any is answered.
    const passwords = [...Array.from({ length: 40 }, (_, i) => `wrong-password-${i}`), password];
    for (let i = passwords.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [passwords[i], passwords[j]] = [passwords[j], passwords[i]];
    }
    const answers = await Promise.all(passwords.map((p) => client.post("/login", { email, password: p, csrf, redirectTo: "/" })));

    const count = (status: number) => answers.filter((a) => a.status === status).length;
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 302 || s === 401 || s === 429), `statuses: ${statuses.join(",")}`).toBe(true);
    // Past the throttle: wrong passwords (401) and, if it was among the first five, the right one (302).
    expect(count(302), `statuses: ${statuses.join(",")}`).toBeLessThanOrEqual(1);
    expect(count(302) + count(401), `statuses: ${statuses.join(",")}`).toBeLessThanOrEqual(5);
    expect(count(429)).toBeGreaterThanOrEqual(36);

    for (const locked of answers.filter((a) => a.status === 429)) {
      const retryAfter = locked.headers.get("Retry-After");
      expect(retryAfter).toMatch(/^[1-9]\d*$/);
      expect(Number(retryAfter)).toBeLessThanOrEqual(15 * 60);
      expect(pageText(locked.body)).toMatch(/Too many failed attempts\. Sign-in is paused; try again in \d+ minutes?\./);
    }
    const wrong = answers.find((a) => a.status === 401);
    if (wrong) expect(pageText(wrong.body)).toContain("The email address or password is not right.");
  });

  it("redirects after a language switch or a sign-in stay on this site", async () => {
    const payloads = [
      "/..//other.example/x",
      "/.//other.example",
      "/%2e%2e/%2e%2e//other.example",
      "//other.example",
      "/\\other.example",
      "/%5Cother.example",
      "https://other.example",
      "/\t/other.example",
    ];
    const anonymous = new Client(baseURL);
    for (const to of payloads) {
      const answer = await anonymous.fetch(`/locale?lang=en&to=${encodeURIComponent(to)}`);
      expect(answer.status, `to=${JSON.stringify(to)}`).toBe(302);
      expectOnSite(answer.location, `GET /locale?lang=en&to=${JSON.stringify(to)}`);
    }
    // The switch still goes back to a page of this site when asked to.
    expect((await anonymous.fetch(`/locale?lang=ar&to=${encodeURIComponent("/kpis?x=1")}`)).location).toBe("/kpis?x=1");

    // Signed in, /login sends the reader on to redirectTo at once.
    const analyst = await signIn(baseURL, "analyst@example.com");
    for (const to of ["/..//other.example", "/%2e%2e//other.example", "//other.example"]) {
      const answer = await analyst.fetch(`/login?redirectTo=${encodeURIComponent(to)}`);
      expect(answer.status, `redirectTo=${to}`).toBe(302);
      expectOnSite(answer.location, `signed-in GET /login?redirectTo=${to}`);
    }
    // And the sign-in form's own redirectTo.
    const client = new Client(baseURL);
    const csrf = await client.csrf("/login");
    const signedIn = await client.post("/login", { email: "analyst@example.com", password: DEMO_PASSWORD, csrf, redirectTo: "/..//other.example" });
    expect(signedIn.status).toBe(302);
    expectOnSite(signedIn.location, "POST /login with redirectTo=/..//other.example");
  });

  it("a malformed cookie does not break a page", async () => {
    const anonymous = new Client(baseURL);
    for (const cookie of ["lang=%E0%A4%A", "sid=%E0%A4%A; csrf=%"]) {
      const answer = await anonymous.fetch("/login", { cookie });
      expect(answer.status, `Cookie: ${cookie}`).toBe(200);
      expect(pageText(answer.body)).toContain("Sign in");
    }
    const analyst = await signIn(baseURL, "analyst@example.com");
    const cookie = `${analyst.cookieHeader()}; lang=%E0%A4%A`;
    const home = await analyst.fetch("/", { cookie });
    expect(home.status).toBe(200);
    expect(pageText(home.body)).toContain("City overview");
    expect((await analyst.fetch("/login", { cookie })).status).toBe(302);
  });

  it("requests that are not forms, come from another site or miss the API get their own 4xx, never a 500", async () => {
    const client = new Client(baseURL);
    const csrf = await client.csrf("/login");
    for (const [type, body] of [
      ["application/json", JSON.stringify({ email: "analyst@example.com", password: "x", csrf })],
      ["text/plain", `email=analyst@example.com&password=x&csrf=${csrf}`],
    ]) {
      const answer = await client.fetch("/login", { method: "POST", headers: { "Content-Type": type }, body });
      expect([400, 415], `POST /login as ${type}: ${answer.status}`).toContain(answer.status);
      expect(answer.headers.get("Content-Type")).toMatch(/^text\/html/);
      expect(answer.body).toMatch(/^<!doctype html>/i);
      expect(answer.body).not.toMatch(/\bat .+\(.+:\d+:\d+\)|Error:|Unexpected Server Error/);
      expect(pageText(answer.body)).toMatch(/accepts forms only|could not be read/);
    }

    for (const url of ["/login", "/logout"]) {
      const answer = await client.post(url, { email: "analyst@example.com", password: "x", csrf }, { headers: { Origin: "https://evil.example" } });
      expect(answer.status, `cross-site POST ${url}`).toBe(403);
      expect(answer.headers.get("Content-Type")).toMatch(/^text\/html/);
      expect(pageText(answer.body)).toContain("This form was sent from another site and was refused.");
    }

    for (const url of ["/api/v2/x", "/api/v1/nope"]) {
      const answer = await new Client(baseURL).fetch(url);
      expect(answer.status, `GET ${url}`).toBe(404);
      expect(answer.location).toBeNull();
      expect(answer.headers.get("Content-Type")).toMatch(/^application\/json/);
      expect(json(answer).error).toMatchObject({ status: 404, message: expect.any(String) });
    }

    for (const [method, url, allow] of [
      ["POST", "/api/v1/report", "GET"],
      ["DELETE", "/api/v1/figures", "GET, POST"],
    ]) {
      const answer = await new Client(baseURL).fetch(url, { method });
      expect(answer.status, `${method} ${url}`).toBe(405);
      expect(answer.headers.get("Allow")).toBe(allow);
      expect(answer.headers.get("Content-Type")).toMatch(/^application\/json/);
      expect(json(answer).error).toMatchObject({ status: 405, message: expect.any(String) });
    }
  });

  it("bodies are limited before they are read: a declared 100 MB is refused at once, an unmeasured body asks for its length, 600 KB of form is too large", async () => {
    const form = { "Content-Type": "application/x-www-form-urlencoded" };
    // Only 4 KB of the declared 100 MB is ever sent: the answer must not wait for the rest.
    const huge = await rawRequest(baseURL, {
      method: "POST",
      path: "/login",
      headers: { ...form, "Content-Length": 104_857_600 },
      chunks: [Buffer.alloc(4096, "a")],
      end: false,
    });
    expect(huge.status).toBe(413);
    expect(huge.ms).toBeLessThan(1_000);
    expect(huge.body).toContain("What was sent is too large.");

    const chunked = await rawRequest(baseURL, {
      method: "POST",
      path: "/login",
      headers: { ...form, "Transfer-Encoding": "chunked" },
      chunks: [Buffer.from("email=a%40example.com&password=x")],
      end: true,
    });
    expect(chunked.status).toBe(411);
    expect(chunked.body).toContain("Content-Length");

    const body = Buffer.from(`email=a%40example.com&password=${"x".repeat(600 * 1024)}`);
    const large = await rawRequest(baseURL, {
      method: "POST",
      path: "/login",
      headers: { ...form, "Content-Length": body.length },
      chunks: [body],
      end: true,
    });
    expect(large.status).toBe(413);
  });

  it("signed-in pages and their data are never cached; fingerprinted assets are, for a year", async () => {
    const analyst = await signIn(baseURL, "analyst@example.com");
    let html = "";
    for (const url of ["/", "/entities/RTA", "/figures", "/entities/RTA.data"]) {
      const answer = await analyst.fetch(url);
      expect(answer.status, `GET ${url}`).toBe(200);
      expect(answer.headers.get("Cache-Control"), `GET ${url}`).toBe("no-store");
      if (url === "/") html = answer.body;
    }
    const asset = /\/assets\/[\w.-]+\.js/.exec(html)?.[0];
    expect(asset, "a script under /assets/ in the page").toBeTruthy();
    const answer = await new Client(baseURL).fetch(asset!);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("Cache-Control")).toMatch(/max-age=31536000/);
    expect(answer.headers.get("Cache-Control")).toContain("immutable");
  });

  it("an administrator's password reset ends the user's API tokens and sessions, and the next sign-in must choose a new password", async () => {
    const { email, password } = accounts.reset;
    const user = await signIn(baseURL, email, password);
    const token = await createToken(user, "nightly report");
    const api = (t: string) => new Client(baseURL).fetch("/api/v1/report?period=2018-12", { headers: { Authorization: `Bearer ${t}` } });
    expect((await api(token)).status).toBe(200);

    const admin = await signIn(baseURL, "admin@example.com");
    const csrf = await admin.csrf(`/admin/users/${ids.reset}`);
    const reset = await admin.post(`/admin/users/${ids.reset}`, { csrf, intent: "reset-password", password: "set-by-the-admin" });
    expect(reset.status).toBe(200);
    expect(pageText(reset.body)).toContain("Password changed: the user's sessions have ended.");

    const refused = await api(token);
    expect(refused.status).toBe(401);
    expect(json(refused).error?.status).toBe(401);
    // The session opened with the old password has ended too.
    const old = await user.fetch("/entities/RTA");
    expect(old.status).toBe(302);
    expect(old.location).toMatch(/^\/login\?/);

    // The next sign-in leads to the password page, and every page leads there until it is changed.
    const again = await signIn(baseURL, email, "set-by-the-admin");
    const home = await again.fetch("/");
    expect(home.status).toBe(302);
    expect(home.location).toBe("/settings/password");
    const elsewhere = await again.fetch("/entities/RTA");
    expect(elsewhere.status).toBe(302);
    expect(elsewhere.location).toBe(`/settings/password?redirectTo=${encodeURIComponent("/entities/RTA")}`);
    const page = await again.fetch("/settings/password");
    expect(page.status).toBe(200);
    expect(pageText(page.body)).toContain("Your password was set by someone else. Choose your own before you go on.");

    const changed = await again.post("/settings/password", {
      csrf: csrfOf(page.body),
      current: "set-by-the-admin",
      next: "my-own-password-3",
      confirm: "my-own-password-3",
      redirectTo: "/",
    });
    expect(changed.status).toBe(302);
    expect(changed.location).toBe("/settings/password?changed");
    for (const url of ["/", "/entities/RTA"]) {
      const open = await again.fetch(url);
      expect(open.status, `GET ${url} after the change`).toBe(200);
    }
    // The token revoked by the reset stays revoked.
    expect((await api(token)).status).toBe(401);
  });

  describe("figures of one entity entered by two focal points", () => {
    const figure = (period: string) =>
      query<{ value: number; updated_by: string; comment: string | null }>(
        databasePath,
        "SELECT value, updated_by, comment FROM figures WHERE entity_code = 'DM' AND kpi_code = 'OPEN_DATASETS' AND period = ?",
        period,
      );
    const upload = (client: Client, period: string, fields: { csrf: string; openedAt?: string }, csv: string) => {
      const body = new FormData();
      body.append("csrf", fields.csrf);
      if (fields.openedAt) body.append("openedAt", fields.openedAt);
      body.append("file", new Blob([csv], { type: "text/csv" }), "figures.csv");
      return client.fetch(`/figures/DM/${period}`, { method: "POST", body });
    };
    const CSV_HEADER = "entity,kpi,period,value,numerator,denominator,comment\n";

    it("an upload does not overwrite a draft another focal point saved after the page was opened: 409", async () => {
      // The month now running: the demo has nothing for it yet, and it is open.
      const month = periodOf(new Date());
      expect(figure(month)).toEqual([]);
      const a = await signIn(baseURL, accounts.focalA.email, accounts.focalA.password);
      const b = await signIn(baseURL, accounts.focalB.email, accounts.focalB.password);

      const opened = await a.fetch(`/figures/DM/${month}`);
      expect(opened.status).toBe(200);
      const openedAt = hiddenValue(opened.body, "openedAt");
      await new Promise((r) => setTimeout(r, 20)); // B's save is strictly later than A's opening

      const bCsrf = await b.csrf(`/figures/DM/${month}`);
      const saved = await b.post(`/figures/DM/${month}`, {
        csrf: bCsrf,
        intent: "save",
        "version.OPEN_DATASETS": "",
        "value.OPEN_DATASETS": "12",
        "comment.OPEN_DATASETS": "B's draft",
      });
      expect(saved.status).toBe(302);
      expect(saved.location).toBe(`/figures/DM/${month}?saved=1`);
      expect(figure(month)).toEqual([{ value: 12, updated_by: accounts.focalB.email, comment: "B's draft" }]);

      const conflict = await upload(a, month, { csrf: csrfOf(opened.body), openedAt }, `${CSV_HEADER}DM,OPEN_DATASETS,${month},30,,,A's file\n`);
      expect(conflict.status).toBe(409);
      expect(pageText(conflict.body)).toContain(`was changed by ${accounts.focalB.email} after you opened this page`);
      expect(figure(month)).toEqual([{ value: 12, updated_by: accounts.focalB.email, comment: "B's draft" }]);
      const seen = await a.fetch(`/figures/DM/${month}`);
      expect(seen.body).toMatch(/name="value\.OPEN_DATASETS"[^>]*value="12"/);

      // Having reloaded, and so seen B's figure, A may replace it: the 409 was the version check.
      const reopened = await a.fetch(`/figures/DM/${month}`);
      const replaced = await upload(
        a,
        month,
        { csrf: csrfOf(reopened.body), openedAt: hiddenValue(reopened.body, "openedAt") },
        `${CSV_HEADER}DM,OPEN_DATASETS,${month},30,,,A's file\n`,
      );
      expect(replaced.status).toBe(302);
      expect(figure(month)).toEqual([{ value: 30, updated_by: accounts.focalA.email, comment: "A's file" }]);
    });

    it("a comment with a NUL byte and a month before 1980-01 in a file are refused with 400, nothing saved", async () => {
      // The same open month: whatever the test before left there stays as it is.
      const month = periodOf(new Date());
      const before = figure(month);
      const a = await signIn(baseURL, accounts.focalA.email, accounts.focalA.password);
      const page = await a.fetch(`/figures/DM/${month}`);
      expect(page.status).toBe(200);

      const nul = await a.post(`/figures/DM/${month}`, {
        csrf: csrfOf(page.body),
        intent: "save",
        "version.OPEN_DATASETS": hiddenValue(page.body, "version.OPEN_DATASETS"),
        "value.OPEN_DATASETS": "12",
        "comment.OPEN_DATASETS": "before\u0000after",
      });
      expect(nul.status).toBe(400);
      expect(pageText(nul.body)).toContain("Nothing was saved.");
      expect(pageText(nul.body)).toContain("Remove the invisible control characters (such as NUL)");
      expect(figure(month)).toEqual(before);

      const early = await upload(
        a,
        month,
        { csrf: csrfOf(page.body), openedAt: hiddenValue(page.body, "openedAt") },
        `${CSV_HEADER}DM,OPEN_DATASETS,1979-12,12,,,\n`,
      );
      expect(early.status).toBe(400);
      expect(pageText(early.body)).toContain("Line 2: 1979-12 is before 1980-01, the earliest month figures are kept for.");
      expect(figure("1979-12")).toEqual([]);
    });
  });
});

describe("a deployment on its own database, behind a TLS proxy (TRUST_PROXY=true, SEED_DEMO unset)", () => {
  const port = 3198;
  const ownURL = `http://127.0.0.1:${port}`;
  let server: ChildProcess;
  let dir: string;
  let log = "";

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "smart-compliance-hardening-"));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_PATH: path.join(dir, "own.db"),
      TRUST_PROXY: "true",
    };
    // The guard under test: a database of its own and no word about demo data means none.
    delete env.SEED_DEMO;
    server = spawn(process.execPath, ["build/start.js"], { env, stdio: ["ignore", "pipe", "pipe"] });
    server.stdout?.on("data", (d) => (log += d));
    server.stderr?.on("data", (d) => (log += d));
    const deadline = Date.now() + 45_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`The second server exited:\n${log}`);
      try {
        if ((await fetch(`${ownURL}/login`)).status < 500) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`The second server did not answer:\n${log}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("over HTTPS at the proxy, answers carry HSTS and Secure cookies; over plain HTTP, neither", async () => {
    const https = await new Client(ownURL).fetch("/login", { headers: { "X-Forwarded-Proto": "https" } });
    expect(https.status).toBe(200);
    expect(https.headers.get("Strict-Transport-Security") ?? "(no HSTS header)").toMatch(/^max-age=\d+/);
    const httpsCsrf = https.headers.getSetCookie().find((c) => c.startsWith("csrf="));
    expect(httpsCsrf ?? "(no csrf cookie)").toMatch(/;\s*Secure(;|$)/);

    // The session cookie too: it is the one worth stealing on a plain-HTTP hop.
    const email = `proxy.${run}@example.com`;
    addUser(path.join(dir, "own.db"), { email, role: "analyst", password: "proxy-password-1" });
    const client = new Client(ownURL);
    const behindTls = { "X-Forwarded-Proto": "https" };
    const form = await client.fetch("/login", { headers: behindTls });
    const signedIn = await client.post("/login", { email, password: "proxy-password-1", csrf: csrfOf(form.body), redirectTo: "/" }, { headers: behindTls });
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.getSetCookie().find((c) => c.startsWith("sid=")) ?? "(no sid cookie)").toMatch(/;\s*Secure(;|$)/);

    const plain = await new Client(ownURL).fetch("/login");
    expect(plain.status).toBe(200);
    expect(plain.headers.get("Strict-Transport-Security")).toBeNull();
    const plainCsrf = plain.headers.getSetCookie().find((c) => c.startsWith("csrf="));
    expect(plainCsrf).toBeDefined();
    expect(plainCsrf).not.toMatch(/Secure/);
  });

  it("has no demo accounts: admin@example.com with the published password is refused", async () => {
    const client = new Client(ownURL);
    const csrf = await client.csrf("/login");
    const answer = await client.post("/login", { email: "admin@example.com", password: DEMO_PASSWORD, csrf, redirectTo: "/" });
    expect(answer.status).toBe(401);
    expect(client.jar.has("sid")).toBe(false);
    expect(pageText(answer.body)).toContain("The email address or password is not right.");
    expect(pageText(answer.body)).not.toContain("Demo accounts");
  });
});
