// The monthly briefing book on a real database: what a book is built from (and so when it is out
// of date), its preparation in the background (a second request joins a running one, an
// interrupted one is started again, failures keep the last good book), the page, the download
// and the print view through their route modules, and the printing passes that number the
// contents. Chromium is replaced by a printer that lays the document out one part to a page and
// writes a PDF as Chromium does; the real printing is checked by the browser test and the CLI's.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakePdf } from "../helpers/fake-pdf";
import { csrfFor } from "../helpers/csrf";
import { settle } from "../helpers/route";

const dir = mkdtempSync(path.join(tmpdir(), "briefing-"));
process.env.DATABASE_PATH = path.join(dir, "briefing.db");

const { getDatabase } = await import("../../db/index");
const { loadDefinitions } = await import("~/definitions/load.server");
const { syncDefinitions } = await import("~/models/sync.server");
const { importFiguresCsv } = await import("~/models/figures.server");
const { createUser } = await import("~/models/users.server");
const { hashPasswordSync } = await import("~/auth/password.server");
const { createSession } = await import("~/auth/session.server");
const { CITY, commentaryHistory, writeCommentary } = await import("~/models/commentary.server");
const { followUpsFor, sendPlan } = await import("~/models/plans.server");
const { lockPeriod } = await import("~/models/entry.server");
const models = await import("~/models/briefing-books.server");
const { BriefingJobs } = await import("~/briefing/jobs.server");
const { briefingBookData } = await import("~/briefing/data.server");
const { printBook } = await import("~/briefing/print.server");
const { chromiumPath } = await import("~/exports/pdf.server");
const page = await import("~/routes/briefing._index");
const download = await import("~/routes/briefing.$period.download");
const printView = await import("~/routes/briefing.$period.print");

const db = getDatabase(process.env.DATABASE_PATH);
const SETTINGS = { dueDay: 10, planDueDays: 15 };
const MONTH = "2020-12";
const analyst = { id: 0, role: "analyst" as const, entityCode: null, email: "analyst@test.example" };
const focalRta = { id: 0, role: "focal-point" as const, entityCode: "RTA", email: "focal.rta@test.example" };
const cookies: Record<"executive" | "analyst" | "focal", string> = { executive: "", analyst: "", focal: "" };

function importFigures(rows: string[], now = new Date("2021-01-05T06:00:00Z")) {
  const result = importFiguresCsv(db, ["entity,kpi,period,value,numerator,denominator,comment", ...rows].join("\n"), {
    actor: "test",
    now,
    currentPeriod: "2021-06",
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
}

beforeAll(() => {
  const definitions = loadDefinitions(path.resolve("kpi-definitions"));
  if (!definitions.ok) throw new Error("definitions");
  syncDefinitions(db, definitions.definitions, "2020-01-01T00:00:00.000Z");
  importFigures([
    `RTA,SMART_ADOPTION,2020-11,,500,1000,`,
    `DM,SMART_ADOPTION,2020-11,,610,1000,`,
    `RTA,SMART_ADOPTION,${MONTH},,930,1000,`,
    `DM,SMART_ADOPTION,${MONTH},,611,1000,`,
  ]);
  const passwordHash = hashPasswordSync("a-long-password");
  const now = new Date();
  const make = (email: string, role: "executive" | "analyst" | "focal-point", entityCode: string | null) =>
    createUser(db, { email, name: email, role, entityCode, passwordHash }, "test", now);
  const executive = make("executive@test.example", "executive", null);
  analyst.id = make(analyst.email, "analyst", null).id;
  focalRta.id = make(focalRta.email, "focal-point", "RTA").id;
  cookies.executive = `sid=${createSession(db, executive.id, now).token}`;
  cookies.analyst = `sid=${createSession(db, analyst.id, now).token}`;
  cookies.focal = `sid=${createSession(db, focalRta.id, now).token}`;
});

afterAll(() => {
  globalThis.__smartComplianceBriefing = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** A preparation held open until the test lets it finish (or fail). */
function gatedPrepare() {
  const calls: Array<{ period: string; language: string; progress: (p: number) => void; finish: () => void; fail: (message: string) => void }> = [];
  const prepare = (database: typeof db, request: { period: string; language: string }, onProgress: (p: number) => void) =>
    new Promise<{ pdf: Buffer; pages: number; dataVersion: string }>((resolve, reject) => {
      // The version is read before the data, as prepareBook does.
      const dataVersion = models.bookDataVersion(database, request.period);
      calls.push({
        ...request,
        progress: onProgress,
        finish: () => resolve({ pdf: Buffer.from(`%PDF-1.4 ${request.period} ${request.language}`), pages: 30, dataVersion }),
        fail: (message) => reject(new Error(message)),
      });
    });
  return { calls, prepare };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));
async function until(condition: () => boolean) {
  for (let i = 0; i < 200 && !condition(); i++) await tick();
  expect(condition()).toBe(true);
}

describe("what a month's book is built from: when it goes out of date", () => {
  it("moves with the month's figures and every earlier month's, not with a later month's", () => {
    const before = models.bookDataVersion(db, MONTH);
    importFigures(["RTA,SMART_ADOPTION,2021-01,,940,1000,"]);
    expect(models.bookDataVersion(db, MONTH)).toBe(before);
    importFigures(["DM,SMART_ADOPTION,2020-11,,620,1000,"]);
    const afterEarlier = models.bookDataVersion(db, MONTH);
    expect(afterEarlier).not.toBe(before);
    importFigures([`DM,SMART_ADOPTION,${MONTH},,615,1000,`]);
    expect(models.bookDataVersion(db, MONTH)).not.toBe(afterEarlier);
  });

  it("moves with the month's commentary, not another month's", () => {
    const before = models.bookDataVersion(db, MONTH);
    const other = writeCommentary(db, analyst, { subject: "city", entity: CITY, kpi: "", period: "2021-01" }, { analysis: "January.", recommendation: "", language: "en", basedOn: null }, new Date());
    expect(other.ok).toBe(true);
    expect(models.bookDataVersion(db, MONTH)).toBe(before);
    const own = writeCommentary(db, analyst, { subject: "city", entity: CITY, kpi: "", period: MONTH }, { analysis: "December.", recommendation: "", language: "en", basedOn: null }, new Date());
    expect(own.ok).toBe(true);
    expect(models.bookDataVersion(db, MONTH)).not.toBe(before);
  });

  it("moves with any plan's change (the book lists each KPI's open plan, whichever month opened it)", () => {
    const before = models.bookDataVersion(db, MONTH);
    const owed = followUpsFor(db, "2020-11", SETTINGS, new Date("2021-01-20T00:00:00Z"), "RTA").find((f) => f.kpi === "SMART_ADOPTION");
    expect(owed).toBeDefined();
    const sent = sendPlan(
      db,
      focalRta,
      {
        entity: "RTA",
        kpi: "SMART_ADOPTION",
        period: "2020-11",
        planId: null,
        version: null,
        summary: "Restore the e-service.",
        language: "en",
        actions: [{ id: null, title: "Restore it", owner: "Digital services", dueMonth: "2021-01", state: "planned", progress: "" }],
      },
      SETTINGS,
      new Date("2021-01-20T00:00:00Z"),
    );
    expect(sent.ok).toBe(true);
    expect(models.bookDataVersion(db, MONTH)).not.toBe(before);
  });

  it("moves when the month is published", () => {
    const before = models.bookDataVersion(db, "2020-10");
    importFigures(["RTA,SMART_ADOPTION,2020-10,,480,1000,"]);
    const withFigure = models.bookDataVersion(db, "2020-10");
    expect(withFigure).not.toBe(before);
    expect(lockPeriod(db, "2020-10", "admin@test.example", new Date())).toBe(true);
    expect(models.bookDataVersion(db, "2020-10")).not.toBe(withFigure);
  });
});

describe("preparing books in the background", () => {
  const request = (period: string, language: "en" | "ar", now = new Date()) => ({ period, language, requestedBy: "executive@test.example", now });

  it("starts one book per month and language; a second request while it waits or prints joins it", async () => {
    const gate = gatedPrepare();
    const jobs = new BriefingJobs(() => db, gate.prepare, { log: () => undefined });
    const first = jobs.request(request("2020-11", "en"));
    expect(first.kind).toBe("started");
    const again = jobs.request(request("2020-11", "en"));
    expect(again).toMatchObject({ kind: "joined", book: { id: first.kind === "started" ? first.book.id : -1 } });
    const arabic = jobs.request(request("2020-11", "ar"));
    expect(arabic.kind).toBe("started");

    // One at a time: the English book prints, the Arabic one waits its turn.
    await until(() => gate.calls.length === 1);
    expect(models.latestBook(db, "2020-11", "en")?.state).toBe("running");
    expect(models.latestBook(db, "2020-11", "ar")?.state).toBe("queued");
    gate.calls[0].progress(55);
    expect(models.latestBook(db, "2020-11", "en")?.progress).toBe(55);
    // Joining while it prints: still the same book, still one preparation.
    expect(jobs.request(request("2020-11", "en")).kind).toBe("joined");

    gate.calls[0].finish();
    await until(() => gate.calls.length === 2);
    const ready = models.readyBook(db, "2020-11", "en")!;
    expect(ready).toMatchObject({ state: "ready", progress: 100, pages: 30 });
    expect(models.bookPdf(db, ready.id)?.toString()).toBe("%PDF-1.4 2020-11 en");
    gate.calls[1].finish();
    await jobs.idle();
    expect(gate.calls.map((c) => `${c.period} ${c.language}`)).toEqual(["2020-11 en", "2020-11 ar"]);

    // Ready and current: asking again prepares nothing.
    expect(jobs.request(request("2020-11", "en")).kind).toBe("current");
    expect(gate.calls).toHaveLength(2);
  });

  it("prepares again once the month's data changed, keeping the old book until the new one is ready", async () => {
    const gate = gatedPrepare();
    const jobs = new BriefingJobs(() => db, gate.prepare, { log: () => undefined });
    const old = models.readyBook(db, "2020-11", "en")!;
    importFigures(["RTA,SMART_ADOPTION,2020-11,,520,1000,"]);
    expect(old.dataVersion).not.toBe(models.bookDataVersion(db, "2020-11"));
    expect(jobs.request(request("2020-11", "en")).kind).toBe("started");
    await until(() => gate.calls.length === 1);
    expect(models.readyBook(db, "2020-11", "en")?.id).toBe(old.id);
    gate.calls[0].finish();
    await jobs.idle();
    const fresh = models.readyBook(db, "2020-11", "en")!;
    expect(fresh.id).not.toBe(old.id);
    expect(fresh.dataVersion).toBe(models.bookDataVersion(db, "2020-11"));
    // Only the newest ready book is kept.
    expect(models.bookById(db, old.id)).toBeNull();
  });

  it("keeps the last good book when a preparation fails, and says it failed", async () => {
    const gate = gatedPrepare();
    const lines: string[] = [];
    const jobs = new BriefingJobs(() => db, gate.prepare, { log: (line) => lines.push(line) });
    importFigures(["RTA,SMART_ADOPTION,2020-11,,530,1000,"]);
    const good = models.readyBook(db, "2020-11", "en")!;
    expect(jobs.request(request("2020-11", "en")).kind).toBe("started");
    await until(() => gate.calls.length === 1);
    gate.calls[0].fail("Chromium crashed");
    await jobs.idle();
    expect(models.latestBook(db, "2020-11", "en")).toMatchObject({ state: "failed", error: "Chromium crashed" });
    expect(models.readyBook(db, "2020-11", "en")?.id).toBe(good.id);
    expect(lines.join("\n")).toMatch(/failed: Chromium crashed/);
  });

  it("takes a book whose process stopped beating as interrupted, and starts it again", async () => {
    const gate = gatedPrepare();
    const jobs = new BriefingJobs(() => db, gate.prepare, { log: () => undefined });
    const long = new Date(Date.now() - models.HEARTBEAT_TIMEOUT_MS - 60_000);
    const orphan = models.insertBook(db, { period: "2020-12", language: "ar", requestedBy: "someone", now: long });
    expect(models.isLive(orphan, new Date())).toBe(false);
    const outcome = jobs.request(request("2020-12", "ar"));
    expect(outcome.kind).toBe("started");
    expect(models.bookById(db, orphan.id)).toMatchObject({ state: "failed" });
    await until(() => gate.calls.length === 1);
    gate.calls[0].finish();
    await jobs.idle();
  });

  it("stopping for a shutdown: the book printing is finished, those waiting are marked failed at once", async () => {
    const gate = gatedPrepare();
    const jobs = new BriefingJobs(() => db, gate.prepare, { log: () => undefined });
    expect(jobs.request(request("2020-07", "en")).kind).toBe("started");
    expect(jobs.request(request("2020-07", "ar")).kind).toBe("started");
    await until(() => gate.calls.length === 1);
    const stopped = jobs.stop();
    gate.calls[0].finish();
    await stopped;
    expect(gate.calls).toHaveLength(1);
    expect(models.latestBook(db, "2020-07", "en")).toMatchObject({ state: "ready" });
    expect(models.latestBook(db, "2020-07", "ar")).toMatchObject({
      state: "failed",
      error: "The server stopped before this book was prepared: ask for it again.",
    });
  });

  it("turns a request away while as many books as allowed are waiting or printing", async () => {
    const gate = gatedPrepare();
    const jobs = new BriefingJobs(() => db, gate.prepare, { log: () => undefined, maxActive: 1 });
    expect(jobs.request(request("2020-09", "en")).kind).toBe("started");
    expect(jobs.request(request("2020-08", "en")).kind).toBe("busy");
    // Joining is never turned away: it adds no work.
    expect(jobs.request(request("2020-09", "en")).kind).toBe("joined");
    await until(() => gate.calls.length === 1);
    gate.calls[0].finish();
    await jobs.idle();
  });
});

describe("the briefing page, the download and the print view", () => {
  const get = (module: { loader: (args: never) => unknown }, url: string, who: keyof typeof cookies, params: Record<string, string> = {}) =>
    settle(() =>
      (module.loader as (args: { request: Request; params: Record<string, string>; context: object }) => unknown)({
        request: new Request(`http://localhost${url}`, { headers: { Cookie: cookies[who] } }),
        params,
        context: {},
      }),
    );
  const post = (form: Record<string, string>, who: keyof typeof cookies = "executive", withToken = true) =>
    settle(() =>
      page.action({
        request: new Request("http://localhost/briefing", {
          method: "POST",
          headers: { Cookie: cookies[who] },
          body: new URLSearchParams({ ...form, ...(withToken ? { csrf: csrfFor(cookies[who]) } : {}) }),
        }),
        params: {},
        context: {},
      }),
    );
  type PageData = Awaited<ReturnType<typeof page.loader>>;
  const books = async () => ((await get(page, `/briefing?period=${MONTH}`, "executive")).body as PageData).books;

  it.skipIf(!chromiumPath())("an executive prepares a month's book, follows its progress and downloads it", async () => {
    const gate = gatedPrepare();
    globalThis.__smartComplianceBriefing = new BriefingJobs(() => db, gate.prepare, { log: () => undefined });
    const started = await post({ intent: "prepare", period: MONTH, language: "en" });
    expect(started).toMatchObject({ status: 202, body: { notice: "briefing.started", language: "en", ok: true } });
    expect(await post({ intent: "prepare", period: MONTH, language: "en" })).toMatchObject({ status: 200, body: { notice: "briefing.joined" } });

    await until(() => gate.calls.length === 1);
    gate.calls[0].progress(40);
    const working = (await books()).find((b) => b.language === "en")!;
    expect(working).toMatchObject({ working: { state: "running", progress: 40, requestedBy: "executive@test.example" }, ready: null, failedAt: null });
    expect((await get(download, `/briefing/${MONTH}/download?lang=en`, "executive", { period: MONTH })).status).toBe(404);

    gate.calls[0].finish();
    await globalThis.__smartComplianceBriefing.idle();
    const ready = (await books()).find((b) => b.language === "en")!;
    expect(ready).toMatchObject({ working: null, ready: { pages: 30, stale: false } });

    const file = await settle(async () => {
      const response = (await download.loader({
        request: new Request(`http://localhost/briefing/${MONTH}/download?lang=en`, { headers: { Cookie: cookies.executive } }),
        params: { period: MONTH },
        context: {},
      })) as Response;
      expect(response.headers.get("Content-Type")).toBe("application/pdf");
      expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="briefing-book-${MONTH}-en.pdf"`);
      return response;
    });
    expect(file).toMatchObject({ status: 200, body: `%PDF-1.4 ${MONTH} en` });

    // The month's data changes: the book stays downloadable, marked out of date, and may be prepared again.
    const latest = commentaryHistory(db, { subject: "city", entity: CITY, kpi: "", period: MONTH })[0]?.id ?? null;
    const revised = writeCommentary(db, analyst, { subject: "city", entity: CITY, kpi: "", period: MONTH }, { analysis: "December, revised.", recommendation: "", language: "en", basedOn: latest }, new Date());
    expect(revised.ok).toBe(true);
    expect((await books()).find((b) => b.language === "en")!.ready).toMatchObject({ stale: true });
    expect((await get(download, `/briefing/${MONTH}/download?lang=en`, "executive", { period: MONTH })).status).toBe(200);
    expect(await post({ intent: "prepare", period: MONTH, language: "en" })).toMatchObject({ status: 202, body: { notice: "briefing.started" } });
    await until(() => gate.calls.length === 2);
    gate.calls[1].finish();
    await globalThis.__smartComplianceBriefing.idle();
    expect((await books()).find((b) => b.language === "en")!.ready).toMatchObject({ stale: false });
  });

  it("answers what a person can send wrong with a 4xx, and starts nothing", async () => {
    const gate = gatedPrepare();
    globalThis.__smartComplianceBriefing = new BriefingJobs(() => db, gate.prepare, { log: () => undefined });
    const before = models.liveBooks(db, new Date()).length;
    expect(await post({ intent: "prepare", period: MONTH, language: "fr" })).toMatchObject({ status: 400, body: { notice: "error.form.type" } });
    expect(await post({ intent: "prepare", period: "9999-12", language: "en" })).toMatchObject({ status: 400, body: { notice: "error.form.type" } });
    expect(await post({ intent: "prepare", period: "2018-1'", language: "en" })).toMatchObject({ status: 400 });
    expect(await post({ intent: "prepare", period: "x".repeat(5000), language: "en" })).toMatchObject({ status: 400 });
    expect(await post({ intent: "prepare", period: "2001-01", language: "en" })).toMatchObject({ status: 400, body: { notice: "briefing.noFigures" } });
    expect(await post({ intent: "prepare", period: MONTH, language: "en" }, "executive", false)).toMatchObject({ status: 403 });
    expect(await post({ intent: "prepare", period: MONTH, language: "en" }, "focal")).toMatchObject({ status: 403 });
    expect(models.liveBooks(db, new Date())).toHaveLength(before);
    expect(gate.calls).toHaveLength(0);

    for (const url of [`/briefing/${MONTH}/download?lang=xx`, `/briefing/${MONTH}/download`, `/briefing/${MONTH}/download?lang=en&lang=ar`]) {
      expect((await get(download, url, "executive", { period: MONTH })).status, url).toBe(400);
    }
    expect((await get(download, "/briefing/9999-12/download?lang=en", "executive", { period: "9999-12" })).status).toBe(400);
    expect((await get(printView, "/briefing/2018-13/print?lang=en", "executive", { period: "2018-13" })).status).toBe(400);
    expect((await get(page, "/briefing?period=99999", "executive")).status).toBe(400);
  });

  it("shows the book as one web page in the language asked for, naming every entity", async () => {
    const arabic = await get(printView, `/briefing/${MONTH}/print?lang=ar`, "analyst", { period: MONTH });
    expect(arabic.status).toBe(200);
    expect(arabic.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const html = String(arabic.body);
    expect(html).toMatch(/^<!doctype html>\n<html lang="ar" dir="rtl">/);
    expect(html).toContain("هيئة الطرق والمواصلات");
    expect(html).toContain("بلدية دبي");
    for (const anchor of ["summary", "headline", "league", "heatmap", "follow-up", "entity-RTA", "entity-DM"]) {
      expect(html).toContain(`href="#${anchor}"`);
      expect(html).toContain(`id="${anchor}"`);
    }
  });
});

describe("printing the book: the contents numbered from where each part landed", () => {
  /**
   * A printer standing in for Chromium: the cover and the contents a page each, every section a
   * page, the follow-up two, each entity one, except `long` entities, which run to three pages
   * until the document shortens them to the level given. It writes a PDF with the contents' links
   * as named destinations, as Chromium does.
   */
  function layoutPrinter(long: Record<string, number> = {}) {
    const printed: string[] = [];
    const print = async (html: string) => {
      printed.push(html);
      const dests: Record<string, number> = {};
      let page = 1;
      for (const part of html.matchAll(/<(?:section|nav) class="book-(?:section|entity)[^"]*"[^>]*?(?: id="([^"]+)")?[^>]*>/g)) {
        const id = part[1] ?? /id="([^"]+)"/.exec(part[0])?.[1];
        page += 1;
        if (!id) continue;
        dests[id] = page;
        const entity = id.startsWith("entity-") ? id.slice(7) : null;
        if (id === "follow-up") page += 1;
        const level = Number(/data-condensed="(\d)"/.exec(part[0])?.[1] ?? 0);
        if (entity && entity in long && level < long[entity]) page += 2;
      }
      return fakePdf(page, dests);
    };
    return { print, printed };
  }
  const numbersIn = (html: string) => [...html.matchAll(/<span class="book-page-number">([^<]*)<\/span>/g)].map((m) => m[1]);

  it("prints twice: once to learn the pages, once with them in the contents, which match", async () => {
    const data = briefingBookData(db, MONTH, "en", SETTINGS, new Date());
    const printer = layoutPrinter();
    const book = await printBook(data, printer.print);
    expect(book.passes).toBe(2);
    expect(book.condensed).toEqual([]);
    // Cover, contents, five sections (the follow-up on two pages), then one page per entity.
    expect(book.pages).toBe(2 + 6 + data.entities.length);
    expect(numbersIn(printer.printed[0]).every((n) => n === "\u00a0")).toBe(true);
    const numbers = numbersIn(printer.printed[1]);
    expect(numbers.slice(0, 6)).toEqual(["3", "4", "5", "6", "7", String(9)]);
    expect(numbers).toHaveLength(5 + data.entities.length);
  });

  it("shortens an entity that runs past two pages, then numbers the contents again", async () => {
    const data = briefingBookData(db, MONTH, "ar", SETTINGS, new Date());
    const printer = layoutPrinter({ RTA: 1 });
    const book = await printBook(data, printer.print);
    expect(book.condensed).toEqual(["RTA"]);
    expect(book.passes).toBe(3);
    expect(printer.printed[1]).toMatch(/id="entity-RTA"[^>]*data-condensed="1"/);
    expect(book.pages).toBe(2 + 6 + data.entities.length);
  });

  it("condenses it further when shortening was not enough, and stops there", async () => {
    const data = briefingBookData(db, MONTH, "en", SETTINGS, new Date());
    const twice = await printBook(data, layoutPrinter({ DM: 2 }).print);
    expect([twice.passes, twice.condensed, twice.pages]).toEqual([4, ["DM"], 2 + 6 + data.entities.length]);
    // Still three pages at the tightest: printed so, never lost.
    const never = layoutPrinter({ DM: 9 });
    const book = await printBook(data, never.print);
    expect(never.printed.at(-1)).toMatch(/id="entity-DM"[^>]*data-condensed="2"/);
    expect(book.pages).toBe(2 + 6 + data.entities.length + 2);
  });

  it("refuses a printing that lost a part of the book", async () => {
    const data = briefingBookData(db, MONTH, "en", SETTINGS, new Date());
    await expect(printBook(data, async () => fakePdf(3, { summary: 3 }))).rejects.toThrow(/no page for headline/);
    await expect(printBook(data, async () => Buffer.from("not a pdf"))).rejects.toThrow(/could not be read/);
  });
});
