// Following a month up, as the people who do it: an executive reads who is off track and what
// they are doing about it on the overview; a focal point writes a plan and commentary in Arabic;
// an analyst returns nothing without a reason, accepts the plan and approves the commentary.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, newPage, screenshot, signIn } from "./browser";

const baseURL = inject("baseURL");
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const plain = (s: string | null) => (s ?? "").replace(/[\u200e\u200f\u061c]/g, "").replace(/\s+/g, " ").trim();

describe("following a month up", () => {
  it("an executive sees who is off track and what they are doing; a focal point sends a plan in Arabic; an analyst accepts it", async () => {
    // 1. The executive's overview answers without opening a scorecard.
    const exec = await newPage(browser, "en-US");
    await signIn(exec.page, baseURL, "executive@example.com");
    const section = exec.page.locator("section.follow-up-summary");
    await section.waitFor();
    const counts = plain(await section.locator("p.lead").textContent());
    const [, needing, accepted, without, overdue] = /(\d+) entity KPIs are off track or short of a final target: (\d+) have an accepted plan, (\d+) have not, and (\d+) plans are overdue\./.exec(counts) ?? [];
    expect(Number(needing)).toBeGreaterThan(0);
    expect(Number(accepted) + Number(without)).toBe(Number(needing));
    expect(Number(overdue)).toBeLessThanOrEqual(Number(without));
    // The demo's plans in each state are named, and the executive summary leads the page.
    await section.getByText("Plan awaiting review").first().waitFor();
    await section.getByText("Plan returned").first().waitFor();
    expect(await exec.page.locator(".executive-summary .commentary-text").textContent()).toMatch(/^Most entities held or improved/);
    await screenshot(exec.page, "follow-up-overview-en");

    // An entity with a KPI owed a plan and none written: the first row saying so.
    const owedRow = section.locator("tr", { has: exec.page.locator(".plan-owed") }).first();
    const followUpHref = (await owedRow.locator("th a").getAttribute("href"))!;
    const [, entity, period] = /^\/follow-up\/([A-Z_]+)\/(\d{4}-\d{2})$/.exec(followUpHref) ?? [];
    expect(entity).toBeTruthy();
    await exec.context.close();

    // 2. The entity's focal point, in Arabic, writes the plan from the month's follow-up page.
    const focal = await newPage(browser, "ar-AE");
    await signIn(focal.page, baseURL, `focal.${entity.toLowerCase()}@example.com`);
    await focal.page.goto(`${baseURL}${followUpHref}`);
    expect(await focal.page.getAttribute("html", "dir")).toBe("rtl");
    await focal.page.getByRole("link", { name: "كتابة الخطة" }).first().click();
    await focal.page.waitForURL(/\/plans\/new\?/);
    await focal.page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    // Sent empty: refused in Arabic, nothing written.
    await focal.page.getByRole("button", { name: "إرسال الخطة" }).click();
    await focal.page.getByText("اذكر في بضع جمل ما ستفعله الجهة.").waitFor();
    await focal.page.locator("#summary").fill("إعادة الخدمة إلى الجاهزية الكاملة خلال الربع.");
    await focal.page.locator('[name="action.0.title"]').fill("تشغيل الخدمة الإلكترونية البديلة");
    await focal.page.locator('[name="action.0.owner"]').fill("مدير الخدمات الرقمية");
    await focal.page.getByRole("button", { name: "إرسال الخطة" }).click();
    await focal.page.getByText("أُرسلت الخطة.").waitFor();
    const planPath = new URL(focal.page.url()).pathname;
    expect(planPath).toMatch(/^\/plans\/\d+$/);
    expect(plain(await focal.page.locator(".plan-state").first().textContent())).toBe("… خطة بانتظار المراجعة");
    // What was typed is what was kept.
    expect(await focal.page.locator('[name="action.0.title"]').inputValue()).toBe("تشغيل الخدمة الإلكترونية البديلة");
    await screenshot(focal.page, "follow-up-plan-sent-ar");
    await focal.context.close();

    // 3. The analyst: a return needs a reason; then the plan is accepted.
    const analyst = await newPage(browser, "en-US");
    await signIn(analyst.page, baseURL, "analyst@example.com");
    await analyst.page.goto(`${baseURL}${planPath}`);
    await analyst.page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    expect(await analyst.page.locator("table.plan-actions tbody td").first().textContent()).toBe("تشغيل الخدمة الإلكترونية البديلة");
    await analyst.page.getByRole("button", { name: "Return the plan" }).click();
    await analyst.page.getByText("Say why in the note before returning the plan.").waitFor();
    await analyst.page.getByRole("button", { name: "Accept the plan" }).click();
    await analyst.page.getByText("The plan was accepted.").waitFor();
    expect(plain(await analyst.page.locator("ol.plan-history li").first().textContent())).toMatch(/^Accepted by analyst@example\.com, /);
    await screenshot(analyst.page, "follow-up-plan-accepted-en");
    await analyst.context.close();

    // 4. Back on the overview, the plan is no longer among those without one.
    const again = await newPage(browser, "en-US");
    await signIn(again.page, baseURL, "executive@example.com");
    await again.page.goto(`${baseURL}/?period=${period}`);
    const after = plain(await again.page.locator("section.follow-up-summary p.lead").textContent());
    expect(after).toContain(`${Number(accepted) + 1} have an accepted plan`);
    await again.context.close();
  });
});
