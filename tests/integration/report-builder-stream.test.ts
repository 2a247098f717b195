// The report builder's download as bytes and as a stream: the same file, byte for byte, as the
// builder wrote before it streamed; the first bytes before the last month is computed; and other
// work getting its turn while a long export runs.
import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const state = vi.hoisted(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { mkdtempSync: mk } = require("node:fs") as typeof import("node:fs");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { tmpdir: tmp } = require("node:os") as typeof import("node:os");
  const dir = mk(`${tmp()}/report-builder-stream-`);
  process.env.DATABASE_PATH = `${dir}/builder.db`;
  /** Every month the compliance engine was asked for, in order. */
  return { dir, computed: [] as string[] };
});

// The engine as it is, with a note of each month it computes: how far the export has got.
vi.mock("../../app/compliance/engine", async (importOriginal) => {
  const engine = await importOriginal<typeof import("../../app/compliance/engine")>();
  return {
    ...engine,
    computeReport: (...args: Parameters<typeof engine.computeReport>) => {
      state.computed.push(args[0].period);
      return engine.computeReport(...args);
    },
  };
});

type Loader = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<Response>;
let downloadLoader: Loader;
let cookie = "";

beforeAll(async () => {
  const { getDatabase } = await import("../../db/index");
  const { loadDemoData } = await import("../../seeds/demo");
  const { createSession } = await import("../../app/auth/session.server");
  const { importFiguresCsv } = await import("../../app/models/figures.server");
  const db = getDatabase(process.env.DATABASE_PATH!);
  loadDemoData(db, path.resolve("kpi-definitions"), new Date("2026-11-24T08:00:00Z"));
  // Comments a CSV has to quote or neutralise, in both languages.
  const imported = importFiguresCsv(
    db,
    [
      "entity,kpi,period,value,numerator,denominator,comment",
      'RTA,SMART_ADOPTION,2020-12,,950,1000,"=HYPERLINK(""http://evil.example"")"',
      'RTA,SMART_ADOPTION,2020-11,,940,1000,"late, ""revised"" figure\nsecond line"',
      'DM,SMART_ADOPTION,2020-12,,900,1000,"-3 points: تأخر التحديث"',
      'DM,SMART_ADOPTION,2020-11,,880,1000,"@mention\ttab"',
    ].join("\n") + "\n",
    { actor: "test", now: new Date("2026-11-24T08:00:00Z"), currentPeriod: "2026-11" },
  );
  if (!imported.ok) throw new Error(JSON.stringify(imported.errors));
  const analyst = db.$client.prepare("SELECT id FROM users WHERE email = 'analyst@example.com'").get() as { id: number };
  cookie = `sid=${createSession(db, analyst.id, new Date()).token}`;
  downloadLoader = (await import("../../app/routes/reports.download")).loader as unknown as Loader;
}, 60_000);

afterAll(() => rmSync(state.dir, { recursive: true, force: true }));

const get = (url: string, lang = "en") =>
  downloadLoader({ request: new Request(`http://localhost${url}`, { headers: { Cookie: `${cookie}; lang=${lang}` } }), params: {}, context: {} });

async function bytesOf(url: string, lang = "en"): Promise<Buffer> {
  return Buffer.from(await (await get(url, lang)).arrayBuffer());
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("the report builder's download, byte for byte", () => {
  it("writes one month of one entity's KPI exactly as before: BOM, quoting, neutralised formulas, CRLF", async () => {
    const bytes = await bytesOf("/reports/download?from=2020-10&to=2020-12&entity=RTA&entity=DM&kpi=SMART_ADOPTION&format=csv");
    expect(bytes.toString("utf8")).toBe(
      "\uFEFFMonth,Entity code,Entity,KPI code,KPI,Actual,Numerator,Denominator,Target,Target kind,Achievement,Status code,Status,Comment\r\n" +
        "2020-10,RTA,Roads and Transport Authority,SMART_ADOPTION,Transactions through e-/smart channels,95.99631306879954,4003436,4170406,95,final,1.0104875059873635,met,Met,\r\n" +
        "2020-10,DM,Dubai Municipality,SMART_ADOPTION,Transactions through e-/smart channels,87.24243202420637,1063357,1218853,80,final,1.0905304003025795,met,Met,\r\n" +
        '2020-11,RTA,Roads and Transport Authority,SMART_ADOPTION,Transactions through e-/smart channels,94,940,1000,95,final,0.9894736842105263,at-risk,At risk,"late, ""revised"" figure\nsecond line"\r\n' +
        "2020-11,DM,Dubai Municipality,SMART_ADOPTION,Transactions through e-/smart channels,88,880,1000,80,final,1.1,met,Met,'@mention\ttab\r\n" +
        '2020-12,RTA,Roads and Transport Authority,SMART_ADOPTION,Transactions through e-/smart channels,95,950,1000,95,final,1,met,Met,"\'=HYPERLINK(""http://evil.example"")"\r\n' +
        "2020-12,DM,Dubai Municipality,SMART_ADOPTION,Transactions through e-/smart channels,90,900,1000,80,final,1.125,met,Met,'-3 points: تأخر التحديث\r\n",
    );
  });

  // The whole demo history in each shape and language, pinned from the builder as it was before
  // it streamed (sha-256 and length of the bytes sent).
  it.each([
    ["long, English, whole history", "/reports/download?from=2014-01&to=2020-12&format=csv", "en", 2599610, "d1a58a13cd8131f1abb94537bab87e19ceb86dd1676caed656661530ac05141c"],
    ["long, Arabic, whole history", "/reports/download?from=2014-01&to=2020-12&format=csv", "ar", 3569718, "3956424654792fab25c2132101126dfcb726dd464ddb687e7cb41f359d6cac59"],
    ["wide, English, whole history", "/reports/download?from=2014-01&to=2020-12&shape=wide&format=csv", "en", 29680, "4c94760d1a2bd6056f93e33c2fc763880f05e3c850502e8d4c8b435392cd034e"],
    ["wide, Arabic, a pillar's KPIs for two entities", "/reports/download?from=2019-01&to=2020-12&shape=wide&scope=pillars:connected-services&entity=RTA&entity=DM&format=csv", "ar", 481, "3b4ec46391c9e3f3b90b44ed4e15e60b9de455b2e37cbaa7c1ac3f2c06057909"],
    ["long, a pillar's KPIs for two entities", "/reports/download?from=2018-01&to=2020-12&scope=pillars:connected-services&entity=RTA&entity=DHA&format=csv", "en", 44876, "8b6f35bf9a1e136476a8e8e79d8bd1c68b5822967200199387eee99bdd9e96ad"],
  ])("%s", async (_name, url, lang, length, hash) => {
    const bytes = await bytesOf(url, lang);
    expect({ length: bytes.length, sha256: sha256(bytes) }).toEqual({ length, sha256: hash });
  });

  // Re-pinned when the builder's workbook moved to the page exports' writer: the same cells,
  // except that formula-like comments are now plain string cells as on every page's workbook
  // (a string cell is never run; the apostrophe is for CSV). Applying the old apostrophe to the
  // new cells gave the old hash, 89a2034a… in English.
  const pinnedXlsx: Record<string, { rows: number; sha256: string }> = {
    en: { rows: 2329, sha256: "12d364e23702b28bc93b00a0b30dae391e351562c486d1cc440adbbb99b84f54" },
    ar: { rows: 2329, sha256: "f2757705176d475c35fad7ebb39291e4993782490fc3a75e328fc5213bf53e83" },
  };
  it("writes the same cells to XLSX, in both languages", async () => {
    for (const lang of ["en", "ar"]) {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await bytesOf("/reports/download?from=2020-01&to=2020-12&format=xlsx", lang)) as unknown as ExcelJS.Buffer);
      // The About sheet first, then the figures.
      expect(workbook.worksheets.map((w) => w.name)).toEqual(lang === "ar" ? ["حول", "الأرقام"] : ["About", "Figures"]);
      const sheet = workbook.worksheets[1];
      expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1, rightToLeft: lang === "ar" });
      const values = JSON.stringify(sheet.getSheetValues());
      expect({ rows: sheet.rowCount, sha256: sha256(Buffer.from(values)) }).toEqual(pinnedXlsx[lang]);
    }
  });
});

describe("the report builder's download as a stream", () => {
  const wholeHistory = "/reports/download?from=2014-01&to=2020-12&format=csv";

  it("sends the header before the engine has computed the last month", async () => {
    state.computed.length = 0;
    const response = await get(wholeHistory);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString("utf8")).toMatch(/^\uFEFFMonth,Entity code,/);
    const second = await reader.read();
    expect(Buffer.from(second.value!).toString("utf8")).toMatch(/^2014-01,/);
    expect(state.computed).not.toContain("2020-12");
    expect(state.computed.length).toBeLessThanOrEqual(2);
    await reader.cancel();
  });

  it("lets other work run between chunks while a reader takes everything as fast as it can", async () => {
    state.computed.length = 0;
    // Another request's work, asking for a turn of the event loop again and again.
    let turns = 0;
    let running = true;
    const other = () => {
      turns++;
      if (running) setTimeout(other, 0);
    };
    setTimeout(other, 0);
    // Read the way the Remix adapter does: the next read as soon as the last one resolves.
    const reader = (await get(wholeHistory)).body!.getReader();
    let chunks = 0;
    let turnsBeforeLastMonth = -1;
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
      chunks++;
      if (!state.computed.includes("2020-12")) turnsBeforeLastMonth = turns;
    }
    const turnsAtTheEnd = turns;
    running = false;
    expect(chunks).toBeGreaterThan(84);
    // Other work ran again and again before the export reached its last month, not only at the end.
    expect(turnsBeforeLastMonth).toBeGreaterThan(10);
    expect(turnsAtTheEnd).toBeGreaterThan(turnsBeforeLastMonth);
  });

  it("gives the same rows in the same order however small the chunks", async () => {
    const { getDatabase } = await import("../../db/index");
    const { reportRows } = await import("../../app/exports/builder.server");
    const { formatterFor, intlFor } = await import("../../app/i18n/format");
    const db = getDatabase(process.env.DATABASE_PATH!);
    const f = formatterFor(intlFor("en"));
    const spec = { from: "2019-01", to: "2020-12", entities: [], kpis: [], scope: null, shape: "long" as const };
    const whole = [...reportRows(db, f, spec)];
    const small = [...reportRows(db, f, spec, { chunkRows: 40 })];
    expect(whole).toHaveLength(24);
    expect(small.length).toBeGreaterThan(24 * 5);
    expect(Math.max(...small.map((chunk) => chunk.length))).toBeLessThanOrEqual(40);
    expect(small.flat()).toEqual(whole.flat());
  });

  it("stops computing when the reader goes away", async () => {
    state.computed.length = 0;
    const reader = (await get(wholeHistory)).body!.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(state.computed.length).toBeLessThanOrEqual(2);
  });
});
