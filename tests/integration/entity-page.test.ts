// The entity scorecard's table as its loader makes it (decision 28): written into a whole
// document once, not carried again in the data the page hydrates from; sent as a string to a
// client navigation; and made again as soon as a figure of it changes. And what awaits review,
// on the scorecard and in the overview's league. On the demo database, through the routes'
// loaders as Remix calls them.
import { beforeAll, afterAll, describe, expect, it, vi } from "vitest";

const tmp = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "entity-page-"));
  process.env.DATABASE_PATH = join(dir, "app.db");
  return { dir };
});

import { rmSync } from "node:fs";
import path from "node:path";
import type { AppLoadContext } from "@remix-run/node";
import { and, eq } from "drizzle-orm";
import * as s from "../../db/schema";
import { createSession } from "~/auth/session.server";
import { lockPeriod, reviewFigure } from "~/models/entry.server";
import { entityScorecardFor } from "~/models/scorecards.server";
import { loader as overviewLoader } from "~/routes/_index";
import { loader as entityLoader } from "~/routes/entities.$code";
import { db } from "~/utils/db.server";
import type { ServerMarkup } from "~/utils/server-markup";
import { loadDemoData } from "../../seeds/demo";
import { settle } from "../helpers/route";

const NOW = new Date("2026-11-30T10:00:00Z");
// Dubai Municipality's October 2026: its figures await review in the demo.
const MONTH = "2026-10";
let cookie = "";

interface EntityPage {
  scorecard: Record<string, unknown> & { awaitingReview: number };
  table: ServerMarkup;
}

async function entityPage(context: AppLoadContext, lang = "en") {
  const answer = await settle(() =>
    entityLoader({
      request: new Request(`http://localhost/entities/DM?period=${MONTH}&lang=${lang}`, { headers: { Cookie: cookie } }),
      params: { code: "DM" },
      context,
    }),
  );
  expect(answer.status).toBe(200);
  return answer.body as EntityPage;
}

/** An entity's row in the overview's league for the month. */
async function leagueRow(code: string) {
  const answer = await settle(() =>
    overviewLoader({ request: new Request(`http://localhost/?period=${MONTH}`, { headers: { Cookie: cookie } }), params: {}, context: {} }),
  );
  expect(answer.status).toBe(200);
  return (answer.body as { league: Array<{ code: string }> }).league.find((e) => e.code === code);
}

/** The markup of the table, whichever way it was shipped. */
function markupOf(page: EntityPage, context: AppLoadContext): string {
  return "html" in page.table ? page.table.html : context.documentMarkup![page.table.slot];
}

/** The text of one KPI's row, tags taken out. */
function rowText(html: string, kpi: string): string {
  const start = html.indexOf(`<tr data-kpi="${kpi}"`);
  expect(start).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf("</tr>", start)).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
}

beforeAll(() => {
  loadDemoData(db(), path.resolve("kpi-definitions"), NOW);
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
  const analyst = db().select().from(s.users).where(eq(s.users.email, "analyst@example.com")).get()!;
  cookie = `sid=${createSession(db(), analyst.id, NOW).token}`;
});

afterAll(() => {
  vi.useRealTimers();
  db().$client.close();
  rmSync(tmp.dir, { recursive: true, force: true });
});

describe("the entity scorecard's table, made by its loader", () => {
  it("is left in a document's context once, and not in the page's data", async () => {
    const context: AppLoadContext = { documentMarkup: [] };
    const page = await entityPage(context);
    expect(page.table).toEqual({ slot: 0 });
    expect(context.documentMarkup).toHaveLength(1);
    const html = context.documentMarkup![0];
    expect(html).toMatch(/^<table class="data-table scorecard stack-on-phone">/);
    expect(html.match(/<tr data-kpi=/g)).toHaveLength(9);
    expect(html).toContain('<div class="status-legend">');
    // The data keeps what the rest of the page shows: no rows, months or figure ids.
    expect(Object.keys(page.scorecard).sort()).toEqual(["awaitingReview", "compliance", "entity", "hasFigures", "period", "timeliness"]);
    expect(JSON.stringify(page).length).toBeLessThan(2_000);
  });

  it("is the same markup in a client navigation's data, as a string", async () => {
    const document: AppLoadContext = { documentMarkup: [] };
    const html = markupOf(await entityPage(document), document);
    const data = await entityPage({});
    expect(data.table).toEqual({ html });
  });

  it("is written in the reader's language", async () => {
    const context: AppLoadContext = {};
    const ar = markupOf(await entityPage(context, "ar"), context);
    expect(ar).toContain('<caption class="visually-hidden">مؤشرات بلدية دبي بالقيمة الفعلية والمستهدف والحالة والاتجاه والتوقع</caption>');
    expect(rowText(ar, "SMART_ADOPTION")).toContain("نسبة المعاملات المنجزة عبر القنوات الإلكترونية والذكية — 80\u200e%\u200e (نهائي) — ? لا توجد بيانات");
    const en = markupOf(await entityPage(context, "en"), context);
    expect(rowText(en, "SMART_ADOPTION")).toContain("Transactions through e-/smart channels — 80% (final) — ? No data");
  });

  it("writes a hostile KPI name as text, and a renamed KPI as soon as definitions change", async () => {
    const hostile = `<img src=x onerror="alert(1)">&copy;</td><script>alert(2)</script>`;
    db().update(s.kpis).set({ nameEn: hostile }).where(eq(s.kpis.code, "OPEN_DATASETS")).run();
    // What `kpi sync` does with every change of definitions: a new version.
    db().update(s.meta).set({ value: "renamed-for-the-test" }).where(eq(s.meta.key, "definitions_version")).run();
    const context: AppLoadContext = {};
    const html = markupOf(await entityPage(context), context);
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;copy;&lt;/td&gt;&lt;script&gt;alert(2)&lt;/script&gt;");
    expect(html).not.toMatch(/<img|<script/);
    // The row is still one row of nine cells.
    const row = html.slice(html.indexOf('<tr data-kpi="OPEN_DATASETS"'), html.indexOf("</tr>", html.indexOf('<tr data-kpi="OPEN_DATASETS"')));
    expect(row.match(/<td/g)).toHaveLength(8);
  });

  it("keeps the scorecard's rows, and so their markup, from one minute to the next until a figure changes", () => {
    const at = (minutes: number) => entityScorecardFor(db(), "DM", MONTH, { dueDay: 15, now: new Date(NOW.getTime() + minutes * 60_000) })!;
    expect(at(5).rows).toBe(at(0).rows);
    // Timeliness is the clock's: worked out each time, against the due day asked for.
    expect(at(0).timeliness).toBe("on-time");
    expect(entityScorecardFor(db(), "DM", MONTH, { dueDay: 1, now: NOW })!.timeliness).toBe("late");
  });

  it("shows a figure as soon as it is approved, not the markup made before; the office's review is said to be awaited until then", async () => {
    const context: AppLoadContext = {};
    expect((await entityPage(context)).scorecard.awaitingReview).toBe(9);
    expect(await leagueRow("DM")).toMatchObject({ awaitingReview: 9, timeliness: "on-time", compliance: { score: 0 } });
    expect(await leagueRow("RTA")).toMatchObject({ awaitingReview: 0 });
    const before = rowText(markupOf(await entityPage(context), context), "SMART_ADOPTION");
    expect(before).toContain("? No data");

    const figure = db()
      .select()
      .from(s.figures)
      .where(and(eq(s.figures.entityCode, "DM"), eq(s.figures.period, MONTH), eq(s.figures.kpiCode, "SMART_ADOPTION")))
      .get()!;
    expect(figure.status).toBe("submitted");
    expect(reviewFigure(db(), { figureId: figure.id, decision: "approve", comment: "", actor: "analyst@example.com", now: NOW })).toEqual({ ok: true });

    const after = rowText(markupOf(await entityPage(context), context), "SMART_ADOPTION");
    expect(after).toContain("Transactions through e-/smart channels 87.3% 80% (final) 109.1% ✔ Met");
    expect(after).toContain("Figure: 1,435,773 ÷ 1,644,748.");
    expect((await entityPage(context)).scorecard.awaitingReview).toBe(8);
    expect(await leagueRow("DM")).toMatchObject({ awaitingReview: 8 });
  });

  it("still counts what was not reviewed once the month is locked, and the month has its edition", async () => {
    expect(lockPeriod(db(), MONTH, "admin@example.com", NOW)).toBe(true);
    const page = (await entityPage({})) as EntityPage & { edition: { number: number } | null };
    expect(page.scorecard.awaitingReview).toBe(8);
    // The page words it by the edition: not reviewed before the lock, rather than awaiting review.
    expect(page.edition).toMatchObject({ number: 1 });
    expect(await leagueRow("DM")).toMatchObject({ awaitingReview: 8 });
  });
});
