// `/export/pdf` end to end: the route's loader called with real requests against a real SQLite
// file, printing through Debian's Chromium. The page printed is served by a stub server on the
// app's PORT (the loader prints over loopback), so the test sees every request a print makes.
import { existsSync, rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const stub = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const http = await import("node:http");
  const dir = mkdtempSync(join(tmpdir(), "pdf-export-test-"));
  process.env.DATABASE_PATH = join(dir, "app.db");

  const listen = (server: import("node:http").Server) =>
    new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));

  // Another origin, on loopback: a print must never reach it.
  const otherRequests: string[] = [];
  const other = http.createServer((req, res) => {
    otherRequests.push(req.url ?? "");
    res.end();
  });
  const otherOrigin = `http://127.0.0.1:${await listen(other)}`;

  // A page that tries everything a printed page must not do: print itself (twice over), call
  // the API, load from another host.
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>RTA scorecard</title></head>
<body><h1>RTA: scorecard</h1><p>Smart adoption 93.1% against 80%.</p>
<img src="/export/pdf?path=%2F" alt=""><iframe src="/export/pdf?path=/export/pdf?path=/"></iframe>
<img src="${otherOrigin}/pixel.png" alt=""><link rel="stylesheet" href="${otherOrigin}/style.css">
<script>fetch("/api/v1/report").catch(() => {}); fetch("/export?view=overview&format=csv").catch(() => {});</script>
</body></html>`;
  const requests: Array<{ url: string; cookie: string }> = [];
  let holding = false;
  const held: Array<() => void> = [];
  let dropped = 0;
  const app = http.createServer((req, res) => {
    requests.push({ url: req.url ?? "", cookie: req.headers.cookie ?? "" });
    res.on("close", () => {
      if (!res.writableFinished) dropped++;
    });
    const answer = () => {
      if (res.destroyed) return;
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(page);
    };
    if (holding) held.push(answer);
    else answer();
  });
  process.env.PORT = String(await listen(app));

  return {
    dir,
    app,
    other,
    requests,
    otherRequests,
    /** While holding, the page is not answered: a print hangs until release(). */
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const answer of held.splice(0)) answer();
    },
    heldCount: () => held.length,
    dropped: () => dropped,
  };
});

import type { Role } from "../../db/schema";
import { hashPasswordSync } from "~/auth/password.server";
import { createSession } from "~/auth/session.server";
import { PrintQueue } from "~/exports/pdf-queue.server";
import {
  BUSY_RETRY_AFTER_SECONDS,
  browserLaunches,
  closeSharedBrowser,
  MAX_PRINT_PATH_LENGTH,
  PDF_QUEUE_OPTIONS,
  printPage,
} from "~/exports/pdf.server";
import { createUser } from "~/models/users.server";
import { db } from "~/utils/db.server";
import { loader } from "~/routes/export.pdf";
import { settle, type Outcome } from "../helpers/route";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const sessions = {} as Record<"analyst" | "executive" | "focal-point", string>;

beforeAll(() => {
  const passwordHash = hashPasswordSync("a long enough password");
  // RTA's focal point needs RTA in the database (users.entity_code refers to entities).
  db()
    .$client.prepare(
      "INSERT INTO entities (code, name_en, name_ar, position, synced_at) VALUES ('RTA', 'Roads and Transport Authority', 'هيئة الطرق والمواصلات', 1, '2026-01-01')",
    )
    .run();
  for (const role of ["analyst", "executive", "focal-point"] as const satisfies readonly Role[]) {
    const entityCode = role === "focal-point" ? "RTA" : null;
    const user = createUser(db(), { email: `${role}@example.com`, name: role, role, entityCode, passwordHash }, "test", new Date());
    sessions[role] = createSession(db(), user.id, new Date()).token;
  }
});

afterAll(async () => {
  await closeSharedBrowser();
  stub.app.close();
  stub.other.close();
  rmSync(stub.dir, { recursive: true, force: true });
});

/** GET /export/pdf with `path` given as it would arrive in the address (already encoded). */
function exportPdf(query: string, { who = "analyst", lang = "en" }: { who?: keyof typeof sessions; lang?: string } = {}): Promise<Outcome> {
  const request = new Request(`http://localhost/export/pdf?${query}`, { headers: { Cookie: `sid=${sessions[who]}; lang=${lang}` } });
  return settle(() => loader({ request, params: {}, context: {} }));
}
const withPath = (path: string) => new URLSearchParams({ path }).toString();

/** Runs `work` as if Chromium were not installed. */
async function withoutChromium<T>(work: () => Promise<T>): Promise<T> {
  const before = process.env.CHROMIUM_PATH;
  process.env.CHROMIUM_PATH = "/nonexistent/chromium";
  try {
    return await work();
  } finally {
    if (before === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = before;
  }
}

describe("/export/pdf: which pages may be printed", () => {
  const refused: Array<[string, string]> = [
    ["a print of a print (the recursion that started 27 Chromiums)", "/export/pdf?path=/export/pdf?path=/"],
    ["the print route itself", "/export/pdf"],
    ["another export", "/export?view=overview&format=csv"],
    ["the read API", "/api/v1/report"],
    ["the read API with a period", "/api/v1/report?period=2018-12"],
    ["another host, scheme-relative", "//evil.example/"],
    ["another host, absolute", "https://evil.example/"],
    ["another host through a backslash", "/\\evil.example/"],
    ["dots out of a scorecard", "/entities/../export/pdf"],
    ["encoded dots", "/entities/%2e%2e/export/pdf"],
    ["encoded dots and slashes", "/kpis/%2E%2E%2Fexport%2Fpdf"],
    ["double-encoded slash", "%2Fexport%2Fpdf"],
    ["a path under a scorecard", "/entities/RTA/../../export/pdf"],
    ["an encoded query that decodes to the print route", "/entities/RTA?next=%2Fexport%2Fpdf"],
    ["a fragment", "/entities/RTA?period=2018-12#top"],
    ["a tab browsers drop", "/\t/evil.example"],
    ["a line break", "/entities/RTA\n"],
    ["the sign-in page with a redirect", "/login?redirectTo=/export/pdf"],
    ["an unknown strategy kind", "/strategy/secrets/plan"],
    ["a lower-case entity", "/entities/rta"],
    ["an address longer than the bound", `/entities/RTA?period=${"1".repeat(MAX_PRINT_PATH_LENGTH)}`],
    ["nothing", ""],
  ];
  for (const [name, path] of refused) {
    it(`refuses ${name} with 400`, async () => {
      const answer = await exportPdf(withPath(path));
      expect(answer.status).toBe(400);
      expect(answer.body).toBe("This page cannot be printed as a PDF. Use the PDF link on the city overview, a scorecard, a KPI page or a strategy page.");
    });
  }

  it("refuses a request with no path at all, in Arabic for an Arabic reader", async () => {
    const answer = await exportPdf("", { lang: "ar" });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatch(/^لا يمكن طباعة هذه الصفحة/);
  });

  it("checks the path for an executive and a focal point as for an analyst: they may print too", async () => {
    expect((await exportPdf(withPath("/export/pdf?path=/"), { who: "executive" })).status).toBe(400);
    expect((await exportPdf(withPath("/export/pdf?path=/"), { who: "focal-point" })).status).toBe(400);
  });

  it("refuses a focal point another entity's scorecard before printing anything, in their language", async () => {
    const seen = stub.requests.length;
    const answer = await exportPdf(withPath("/entities/DEWA?period=2018-12"), { who: "focal-point" });
    expect(answer.status).toBe(403);
    expect(answer.body).toBe("You do not have permission to see or change this.");
    const arabic = await exportPdf(withPath("/entities/DEWA?period=2018-12"), { who: "focal-point", lang: "ar" });
    expect(arabic.status).toBe(403);
    expect(arabic.body).toBe("ليست لديك صلاحية لعرض هذا المحتوى أو تغييره.");
    expect(stub.requests.length).toBe(seen);
  });

  it("without Chromium, sends an executive and a focal point to the print view of what they read", async () => {
    const executive = await withoutChromium(() => exportPdf(withPath("/?period=2018-12"), { who: "executive" }));
    expect([executive.status, executive.location]).toEqual([302, "/?period=2018-12&print=1"]);
    const focal = await withoutChromium(() => exportPdf(withPath("/entities/RTA?period=2018-12"), { who: "focal-point" }));
    expect([focal.status, focal.location]).toEqual([302, "/entities/RTA?period=2018-12&print=1"]);
  });

  const printable: Array<[string, string]> = [
    ["/", "/?print=1"],
    ["/?period=2018-12", "/?period=2018-12&print=1"],
    ["/entities/RTA?period=2018-12", "/entities/RTA?period=2018-12&print=1"],
    ["/entities/DUBAI_POLICE", "/entities/DUBAI_POLICE?print=1"],
    ["/kpis/SMART_ADOPTION?period=2018-12&lang=ar", "/kpis/SMART_ADOPTION?period=2018-12&lang=ar&print=1"],
    ["/strategy/pillars/smart-economy?period=2018-12", "/strategy/pillars/smart-economy?period=2018-12&print=1"],
    ["/entities/RTA?print=1&period=2018-12", "/entities/RTA?period=2018-12&print=1"],
  ];
  for (const [path, printView] of printable) {
    it(`without Chromium, sends ${path} to its print view`, async () => {
      const answer = await withoutChromium(() => exportPdf(withPath(path)));
      expect(answer.status).toBe(302);
      expect(answer.location).toBe(printView);
    });
  }
});

describe.skipIf(!existsSync(CHROMIUM))("/export/pdf: printing through one shared Chromium", () => {
  it("prints six requests at once through one browser: five PDFs, one 503 with Retry-After", async () => {
    await closeSharedBrowser();
    const launched = browserLaunches();
    const seen = stub.requests.length;
    stub.hold();
    const total = PDF_QUEUE_OPTIONS.concurrency + PDF_QUEUE_OPTIONS.maxWaiting + 1;
    const answers = Array.from({ length: total }, () => exportPdf(withPath("/entities/RTA?period=2018-12")));
    // The last is turned away at once, while the first print still waits for its page.
    const busy = await answers[total - 1];
    expect(busy.status).toBe(503);
    expect(busy.headers.get("Retry-After")).toBe(String(BUSY_RETRY_AFTER_SECONDS));
    expect(busy.body).toBe("Other PDFs are being printed right now. Try again in a few seconds.");
    await vi.waitFor(() => expect(stub.heldCount()).toBe(PDF_QUEUE_OPTIONS.concurrency), { timeout: 20_000, interval: 50 });
    stub.release();

    const printed = await Promise.all(answers.slice(0, total - 1));
    for (const answer of printed) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get("Content-Type")).toBe("application/pdf");
      expect(answer.headers.get("Content-Disposition")).toBe('attachment; filename="smart-compliance-entities-RTA-period-2018-12.pdf"');
      expect(String(answer.body).startsWith("%PDF-")).toBe(true);
    }
    expect(browserLaunches() - launched).toBe(1);

    // Each print asked for the page once, with the visitor's session, and for nothing else.
    const asked = stub.requests.slice(seen);
    expect(asked.map((r) => r.url)).toEqual(Array<string>(total - 1).fill("/entities/RTA?period=2018-12"));
    expect(asked.every((r) => r.cookie.includes(`sid=${sessions.analyst}`))).toBe(true);
    expect(stub.otherRequests).toEqual([]);
  }, 60_000);

  it("prints for an executive and for a focal point their own scorecard, each with their own session", async () => {
    const seen = stub.requests.length;
    for (const [who, path] of [
      ["executive", "/?period=2018-12"],
      ["focal-point", "/entities/RTA?period=2018-12"],
    ] as const) {
      const answer = await exportPdf(withPath(path), { who });
      expect(answer.status).toBe(200);
      expect(answer.headers.get("Content-Type")).toBe("application/pdf");
      expect(String(answer.body).startsWith("%PDF-")).toBe(true);
    }
    const asked = stub.requests.slice(seen);
    expect(asked.map((r) => r.url)).toEqual(["/?period=2018-12", "/entities/RTA?period=2018-12"]);
    expect(asked[0].cookie).toContain(`sid=${sessions.executive}`);
    expect(asked[1].cookie).toContain(`sid=${sessions["focal-point"]}`);
  }, 60_000);

  it("prints twice in a row with the browser it already has", async () => {
    const launched = browserLaunches();
    for (let i = 0; i < 2; i++) {
      const answer = await exportPdf(withPath("/?period=2018-12"), { lang: "ar" });
      expect(answer.status).toBe(200);
      expect(String(answer.body).startsWith("%PDF-")).toBe(true);
    }
    expect(browserLaunches()).toBe(launched);
  }, 60_000);

  it("stops a print that overruns its time, closing its page, and prints the next", async () => {
    const queue = new PrintQueue(printPage, { concurrency: 1, maxWaiting: 1, timeoutMs: 3_000 });
    const url = `http://127.0.0.1:${process.env.PORT}/`;
    const dropped = stub.dropped();
    stub.hold();
    const started = performance.now();
    const hung = await queue.submit({ url, cookies: [], locale: "en-US" });
    expect(hung).toEqual({ kind: "timed-out" });
    expect(performance.now() - started).toBeLessThan(6_000);
    // Closing the context drops the page's connection: nothing is left loading.
    await vi.waitFor(() => expect(stub.dropped()).toBe(dropped + 1), { timeout: 5_000, interval: 50 });
    stub.release();
    const next = await queue.submit({ url, cookies: [], locale: "en-US" });
    expect(next.kind).toBe("done");
  }, 60_000);

  it("launches a new browser after the shared one has gone", async () => {
    await closeSharedBrowser();
    const launched = browserLaunches();
    const answer = await exportPdf(withPath("/"));
    expect(answer.status).toBe(200);
    expect(browserLaunches()).toBe(launched + 1);
  }, 60_000);
});
