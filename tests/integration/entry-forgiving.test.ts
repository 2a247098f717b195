// Entry that forgives and explains (issue 12): thousands separators as people type them, a draft's
// good figures saved while the bad ones are shown, a late submission said to be late. On the demo
// database of 30 November 2026; DED has October in draft, November is open.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const tmp = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "entry-forgiving-"));
  process.env.DATABASE_PATH = join(dir, "app.db");
  return { dir };
});

import { rmSync } from "node:fs";
import { eq } from "drizzle-orm";
import * as s from "../../db/schema";
import { createSession } from "~/auth/session.server";
import { ungroupTyped } from "~/figures/rules";
import { action, loader } from "~/routes/figures.$entity.$period";
import { db } from "~/utils/db.server";
import { loadDemoData } from "../../seeds/demo";
import { csrfFor } from "../helpers/csrf";
import { settle } from "../helpers/route";

const NOW = new Date("2026-11-30T10:00:00Z");
let cookie = "";

beforeAll(() => {
  loadDemoData(db(), path.resolve("kpi-definitions"), NOW);
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
  const focal = db().select().from(s.users).where(eq(s.users.email, "focal.ded@example.com")).get()!;
  cookie = `sid=${createSession(db(), focal.id, NOW).token}`;
});

afterAll(() => {
  vi.useRealTimers();
  db().$client.close();
  globalThis.__smartComplianceDb = undefined;
  rmSync(tmp.dir, { recursive: true, force: true });
});

const params = (period: string) => ({ entity: "DED", period });
const post = (period: string, fields: Record<string, string>) => {
  const body = new URLSearchParams({ ...fields, csrf: csrfFor(cookie) });
  const request = new Request(`http://localhost/figures/DED/${period}`, { method: "POST", body, headers: { Cookie: cookie } });
  return settle(() => action({ request, params: params(period), context: {} }));
};
const open = async (period: string) => {
  const page = await settle(() => loader({ request: new Request(`http://localhost/figures/DED/${period}`, { headers: { Cookie: cookie } }), params: params(period), context: {} }));
  return page.body as {
    late: boolean;
    items: Array<{ kpi: string; current: { value: number; numerator: number | null; denominator: number | null; version: number; status: string } | null }>;
  };
};
const stored = (period: string, kpi: string) =>
  db().$client.prepare("SELECT value, numerator, denominator, status FROM figures WHERE entity_code = 'DED' AND period = ? AND kpi_code = ?").get(period, kpi) as
    | { value: number; numerator: number | null; denominator: number | null; status: string }
    | undefined;

describe("thousands separators, as people type them", () => {
  it.each([
    ["1,200,000", "1200000"],
    ["١٬٢٠٠٬٠٠٠", "1200000"],
    ["1 200 000", "1200000"],
    ["1\u00A0200\u00A0000", "1200000"],
    ["1\u202F200\u202F000.5", "1200000.5"],
    ["12,345.25", "12345.25"],
  ])("reads %s as %s", (typed, plain) => {
    expect(ungroupTyped(typed)).toBe(plain);
  });

  it.each(["1,2", "1,20,000", "1,200 000", ",200", "12,3456"])("leaves %s as typed, to be refused", (typed) => {
    expect(ungroupTyped(typed)).toBe(typed);
  });

  it("stores 1,200,000 typed into the form as 1200000", async () => {
    const answer = await post("2026-11", {
      intent: "save",
      "version.SMART_ADOPTION": "",
      "numerator.SMART_ADOPTION": "1,150,000",
      "denominator.SMART_ADOPTION": "١٬٢٠٠٬٠٠٠",
    });
    expect(answer.status).toBe(302);
    expect(stored("2026-11", "SMART_ADOPTION")).toMatchObject({ numerator: 1_150_000, denominator: 1_200_000, status: "draft" });
  });
});

describe("a draft with bad figures among good ones", () => {
  it("saves the good ones, shows the bad ones with what was typed, and reports how many were saved", async () => {
    const before = (await open("2026-11")).items;
    const version = (kpi: string) => String(before.find((i) => i.kpi === kpi)!.current?.version ?? "");
    const answer = await post("2026-11", {
      intent: "save",
      "version.OPEN_DATASETS": version("OPEN_DATASETS"),
      "value.OPEN_DATASETS": "1 250",
      "version.SERVICE_REQUEST_DAYS": version("SERVICE_REQUEST_DAYS"),
      "value.SERVICE_REQUEST_DAYS": "five",
    });
    expect(answer.status).toBe(400);
    const body = answer.body as { saved: number; problems: Record<string, Array<{ code: string }>>; values: Record<string, { value?: string }> };
    expect(body.saved).toBe(1);
    expect(Object.keys(body.problems)).toEqual(["SERVICE_REQUEST_DAYS"]);
    expect(body.problems.SERVICE_REQUEST_DAYS[0].code).toBe("not-a-number");
    // What was typed comes back for the refused figure only; the saved one shows as stored.
    expect(body.values).toEqual({ SERVICE_REQUEST_DAYS: expect.objectContaining({ value: "five" }) });
    expect(stored("2026-11", "OPEN_DATASETS")).toMatchObject({ value: 1250, status: "draft" });
    expect(stored("2026-11", "SERVICE_REQUEST_DAYS")).toBeUndefined();
  });

  it("leaves a draft saved again as it was alone: no new version, no history row", async () => {
    const item = (await open("2026-11")).items.find((i) => i.kpi === "OPEN_DATASETS")!;
    const history = () => (db().$client.prepare("SELECT count(*) AS n FROM figure_history").get() as { n: number }).n;
    const before = history();
    const answer = await post("2026-11", { intent: "save", "version.OPEN_DATASETS": String(item.current!.version), "value.OPEN_DATASETS": "1,250" });
    expect(answer.status).toBe(302);
    expect(answer.location).toBe("/figures/DED/2026-11?saved=0");
    expect(history()).toBe(before);
    expect((await open("2026-11")).items.find((i) => i.kpi === "OPEN_DATASETS")!.current!.version).toBe(item.current!.version);
  });

  it("submits nothing when one figure is bad: a submission is whole", async () => {
    const items = (await open("2026-10")).items;
    const fields: Record<string, string> = { intent: "submit" };
    for (const item of items) fields[`version.${item.kpi}`] = String(item.current?.version ?? "");
    fields["value.SERVICE_REQUEST_DAYS"] = "five";
    const answer = await post("2026-10", fields);
    expect(answer.status).toBe(400);
    expect((answer.body as { saved: number }).saved).toBe(0);
    expect(db().$client.prepare("SELECT count(*) AS n FROM figures WHERE entity_code = 'DED' AND period = '2026-10' AND status = 'submitted'").get()).toEqual({ n: 0 });
  });
});

describe("a late submission", () => {
  it("is flagged on the page and said to be late when sent", async () => {
    const page = await open("2026-10");
    expect(page.late).toBe(true);
    const fields: Record<string, string> = { intent: "submit" };
    // As the form sends it: the drafts' stored figures in their fields.
    for (const item of page.items) {
      const current = item.current!;
      fields[`version.${item.kpi}`] = String(current.version);
      if (current.numerator !== null) {
        fields[`numerator.${item.kpi}`] = String(current.numerator);
        fields[`denominator.${item.kpi}`] = String(current.denominator);
      } else fields[`value.${item.kpi}`] = String(current.value);
      fields[`comment.${item.kpi}`] = "Sent late: the system was down.";
    }
    const answer = await post("2026-10", fields);
    expect(answer.status).toBe(302);
    expect(answer.location).toBe("/figures/DED/2026-10?submitted=9&late=1");
  });

  it("is not late before the due day", async () => {
    expect((await open("2026-11")).late).toBe(false);
  });
});
