import { execFileSync } from "node:child_process";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { addMonths, dueMoment, periodOf } from "../../app/figures/month";
import { launch, newPage, screenshot, signIn } from "./browser";

const baseURL = inject("baseURL");
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

// Without the invisible marks and bidi isolates around numbers (decision 22): the words as read.
const plain = (s: string | null) => (s ?? "").replace(/[\u200e\u200f\u061c\u2066-\u2069]/g, "").trim();

/** The month now running, in Dubai: the demo has nothing for it yet. */
const MONTH = periodOf(new Date());

/** RTA's figures three months back (approved in the demo), so this month's are plausible. */
function lastFigures(): Map<string, number> {
  const report = JSON.parse(
    execFileSync(process.execPath, ["--import", "tsx", "cli/kpi.ts", "report", "--period", addMonths(MONTH, -3)], {
      env: { ...process.env, DATABASE_PATH: inject("databasePath") },
      encoding: "utf8",
    }),
  ) as { rows: Array<{ kpi: string; entity: string | null; actual: number | null }> };
  return new Map(report.rows.filter((r) => r.entity === "RTA" && r.actual !== null).map((r) => [r.kpi, r.actual!]));
}

async function fillMonth(page: Page, last: Map<string, number>) {
  // The address changes as the navigation commits; the form is drawn just after it.
  await page.locator("fieldset.kpi-entry").first().waitFor();
  for (const fieldset of await page.locator("fieldset.kpi-entry").all()) {
    const kpi = (await fieldset.getAttribute("data-kpi"))!;
    const value = last.get(kpi) ?? 1;
    if ((await fieldset.locator(`[name="numerator.${kpi}"]`).count()) > 0) {
      await fieldset.locator(`[name="numerator.${kpi}"]`).fill(String(Math.round(value * 100)));
      await fieldset.locator(`[name="denominator.${kpi}"]`).fill("10000");
    } else if ((await fieldset.locator(`select[name="value.${kpi}"]`).count()) > 0) {
      await fieldset.locator(`select[name="value.${kpi}"]`).selectOption(String(value));
    } else {
      await fieldset.locator(`[name="value.${kpi}"]`).fill(String(value));
    }
    await fieldset.locator(`[name="comment.${kpi}"]`).fill("This month's figure");
  }
}

/**
 * What an executive reads of Dubai Municipality in the month before last, in English and Arabic:
 * its nine figures were sent on time and wait for an analyst in the demo (seeds/demo.ts), so its
 * score is 0%. The league says why under its timeliness, and so does its scorecard.
 */
async function readWhyDmScoresNothing(locked: boolean) {
  const month = addMonths(MONTH, -2);
  for (const locale of ["en-US", "ar-AE"] as const) {
    const ar = locale === "ar-AE";
    const { context, page } = await newPage(browser, locale);
    await signIn(page, baseURL, "executive@example.com");
    await page.goto(`${baseURL}/?period=${month}`);
    const rowOf = (name: string) => page.locator(".league tbody tr", { has: page.getByRole("link", { name, exact: true }) });
    const dm = rowOf(ar ? "بلدية دبي" : "Dubai Municipality");
    expect(plain(await dm.locator("td").first().textContent())).toBe("0%");
    expect(plain(await dm.locator(".timeliness").textContent())).toBe(ar ? "في الموعد" : "On time");
    const said = locked
      ? ar ? "9 أرقام لم تُراجَع قبل الإقفال" : "9 figures not reviewed before the lock"
      : ar ? "9 أرقام بانتظار المراجعة" : "9 figures awaiting review";
    expect(plain(await dm.locator(".awaiting-review").textContent())).toBe(said);
    // Roads and Transport's figures of the month are approved: nothing to say.
    expect(await rowOf(ar ? "هيئة الطرق والمواصلات" : "Roads and Transport Authority").locator(".awaiting-review").count()).toBe(0);
    await dm.locator(".awaiting-review").scrollIntoViewIfNeeded();
    await screenshot(page, `league-${locked ? "unreviewed" : "awaiting"}-${ar ? "ar" : "en"}`);

    await dm.getByRole("link").click();
    await page.waitForURL(new RegExp(`/entities/DM\\?period=${month}`));
    const notice = page.locator("p.notice", { hasText: locked ? (ar ? "لم تُراجَع قبل إقفال الشهر" : "Not reviewed before the month was locked") : ar ? "بانتظار مراجعة المكتب" : "Awaiting the office's review" });
    const expected = locked
      ? ar
        ? /^لم تُراجَع قبل إقفال الشهر: 9 أرقام لشهر \S+ \d{4}، فلا تُحتسب في نتائجه\.$/
        : /^Not reviewed before the month was locked: 9 figures for [A-Z][a-z]+ \d{4}, which count for nothing in its results\.$/
      : ar
        ? /^بانتظار مراجعة المكتب: 9 أرقام لشهر \S+ \d{4}، تُحتسب بعد اعتمادها\.$/
        : /^Awaiting the office's review: 9 figures for [A-Z][a-z]+ \d{4}, counted once approved\.$/;
    expect(plain(await notice.textContent())).toMatch(expected);
    await screenshot(page, `entity-${locked ? "unreviewed" : "awaiting"}-${ar ? "ar" : "en"}`);
    await context.close();
  }
}

describe("the monthly round", () => {
  it("a focal point submits, an analyst returns one figure, it is corrected and approved, and the scorecard shows it with its history", async () => {
    const last = lastFigures();

    // 1. RTA's focal point lands on the round, opens the month now running and submits it.
    const focal = await newPage(browser, "en-US");
    await signIn(focal.page, baseURL, "focal.rta@example.com");
    expect(new URL(focal.page.url()).pathname).toBe("/round");
    await focal.page.getByRole("heading", { name: /^To report now:/ }).waitFor();
    await screenshot(focal.page, "round-focal-en");
    await focal.page.goto(`${baseURL}/figures`);
    await focal.page.locator("#open-period").fill(MONTH);
    await focal.page.getByRole("button", { name: "Open month" }).click();
    await focal.page.waitForURL(`${baseURL}/figures/RTA/${MONTH}`);
    await focal.page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    await fillMonth(focal.page, last);
    // The value shows as the numerator and denominator are typed.
    const adoption = focal.page.locator('fieldset[data-kpi="SMART_ADOPTION"]');
    await adoption.locator('[name="numerator.SMART_ADOPTION"]').fill("9400");
    expect(plain(await adoption.locator("output").textContent())).toBe("Value: 94%");
    await screenshot(focal.page, "entry-en");
    await focal.page.getByRole("button", { name: "Submit for review" }).click();
    await focal.page.getByText(/Submitted for review: 9 figures\./).waitFor();
    await focal.context.close();

    // 2. The analyst lands on the round, opens RTA's month and returns the smart-transaction share.
    const analyst = await newPage(browser, "en-US");
    await signIn(analyst.page, baseURL, "analyst@example.com");
    expect(new URL(analyst.page.url()).pathname).toBe("/round");
    await screenshot(analyst.page, "round-analyst-en");
    await analyst.page.goto(`${baseURL}/review?entity=RTA&period=${MONTH}`);
    const row = analyst.page.locator("tr", { hasText: "Transactions through e-/smart channels" });
    await row.locator("textarea").fill("The denominator looks like last month's: please check.");
    await row.getByRole("button", { name: "Return" }).click();
    await analyst.page.getByText("Returned to the focal point.").waitFor();
    await screenshot(analyst.page, "review-en");

    // 3. The focal point sees why on the round, corrects it and submits again.
    const again = await newPage(browser, "en-US");
    await signIn(again.page, baseURL, "focal.rta@example.com");
    await again.page.goto(`${baseURL}/figures/RTA/${MONTH}`);
    const returned = again.page.locator('fieldset[data-kpi="SMART_ADOPTION"]');
    await returned.getByText("Returned by analyst@example.com: “The denominator looks like last month's: please check.”").waitFor();
    await returned.locator('[name="numerator.SMART_ADOPTION"]').fill("9450");
    await returned.locator('[name="denominator.SMART_ADOPTION"]').fill("10000");
    await returned.locator('[name="comment.SMART_ADOPTION"]').fill("Denominator corrected");
    await again.page.getByRole("button", { name: "Submit for review" }).click();
    await again.page.getByText(/Submitted for review: 1 figure\./).waitFor();
    await again.context.close();

    // 4. The analyst approves RTA's month in one action.
    await analyst.page.goto(`${baseURL}/review?entity=RTA&period=${MONTH}`);
    await analyst.page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    await analyst.page.getByRole("button", { name: "Approve all 9 figures of the month" }).click();
    await analyst.page.getByText("9 figures approved.").waitFor();
    await analyst.page.getByText("Nothing is waiting for review.").waitFor();
    await analyst.context.close();

    // 5. The executive's scorecard for January shows the corrected figure, and its history.
    const executive = await newPage(browser, "en-US");
    await signIn(executive.page, baseURL, "executive@example.com");
    await executive.page.goto(`${baseURL}/entities/RTA?period=${MONTH}`);
    const scoreRow = executive.page.locator('.scorecard tr[data-kpi="SMART_ADOPTION"]');
    expect(await scoreRow.locator("td").first().getAttribute("data-value")).toBe("94.5");
    await scoreRow.getByRole("link", { name: "History" }).click();
    await executive.page.waitForURL(/\/history\/\d+/);
    const actions = await executive.page.locator("tbody tr td:nth-child(2)").allTextContents();
    expect(actions).toEqual(["Entered", "Submitted", "Returned", "Submitted", "Approved"].filter((_, i) => i !== 0 || actions[0] === "Entered"));
    expect(await executive.page.getByText("Denominator corrected").count()).toBeGreaterThan(0);
    await screenshot(executive.page, "history-en");
    await executive.context.close();
  }, 120_000);

  it("a focal point's mistakes are shown in Arabic beside the field, and what was typed is kept", async () => {
    const { context, page } = await newPage(browser, "ar-AE");
    // Dubai Land Department: no other browser test enters its figures.
    await signIn(page, baseURL, "focal.dld@example.com");
    await page.goto(`${baseURL}/figures/DLD/${MONTH}`);
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    const adoption = page.locator('fieldset[data-kpi="SMART_ADOPTION"]');
    await adoption.locator('[name="numerator.SMART_ADOPTION"]').fill("١٢٠");
    await adoption.locator('[name="denominator.SMART_ADOPTION"]').fill("١٠٠");
    // The value worked out as it is typed: the form's own script is running (and with it the
    // checks on leaving a field).
    await expect.poll(async () => plain(await adoption.locator("output").textContent())).toBe("القيمة: 120%");
    const days = page.locator('fieldset[data-kpi="SERVICE_REQUEST_DAYS"]');
    await days.locator('[name="value.SERVICE_REQUEST_DAYS"]').fill("خمسة");
    // Leaving the field checks it in the browser, with the server's own rules and words.
    await days.locator('[name="value.SERVICE_REQUEST_DAYS"]').press("Tab");
    await days.locator(".field-error").waitFor();
    expect(plain(await days.locator(".field-error").textContent())).toBe("«خمسة» ليس رقمًا. استخدم الأرقام، والنقطة أو ٫ للكسور العشرية.");
    await page.getByRole("button", { name: "حفظ كمسودة" }).click();
    await page.getByText("لم يُحفظ شيء. صحِّح الحقول المميَّزة أدناه؛ كل ما كتبته محفوظ في النموذج.").waitFor();
    expect(plain(await adoption.locator(".field-error").first().textContent())).toBe("لا يمكن أن يكون البسط (120) أكبر من المقام (100).");
    expect(plain(await days.locator(".field-error").textContent())).toBe("«خمسة» ليس رقمًا. استخدم الأرقام، والنقطة أو ٫ للكسور العشرية.");
    expect(await days.locator('[name="value.SERVICE_REQUEST_DAYS"]').inputValue()).toBe("خمسة");
    expect(await adoption.locator('[name="numerator.SMART_ADOPTION"]').inputValue()).toBe("١٢٠");
    // The summary at the top counts the problems and links to each field; it has the focus.
    const summary = page.locator(".error-summary");
    expect(plain(await summary.locator("h2").textContent())).toBe("توجد مشكلتان");
    expect(await page.evaluate(() => document.activeElement?.classList.contains("error-summary"))).toBe(true);
    const links = summary.locator("a");
    expect(await links.count()).toBe(2);
    await links.nth(1).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("value-SERVICE_REQUEST_DAYS");
    // Following a link keeps the messages: the summary and the field's own.
    expect(await summary.count()).toBe(1);
    expect(await days.locator(".field-error").count()).toBe(1);
    await screenshot(page, "entry-errors-ar");

    // Arabic thousands separators are read; the value shows as it is typed; the good figure is
    // saved while the bad one stays on the form.
    await adoption.locator('[name="numerator.SMART_ADOPTION"]').fill("٩٠٬٠٠٠");
    await adoption.locator('[name="denominator.SMART_ADOPTION"]').fill("١٠٠٬٠٠٠");
    expect(plain(await adoption.locator("output").textContent())).toBe("القيمة: 90%");
    await page.getByRole("button", { name: "حفظ كمسودة" }).click();
    await page.getByText(/حُفظ الرقم الآخر مسودة/).waitFor();
    // The month is read again after the answer: the saved figure then shows as stored.
    await expect
      .poll(() => page.locator('fieldset[data-kpi="SMART_ADOPTION"] [name="numerator.SMART_ADOPTION"]').inputValue())
      .toBe("90000");
    expect(await days.locator('[name="value.SERVICE_REQUEST_DAYS"]').inputValue()).toBe("خمسة");
    await screenshot(page, "entry-partial-ar");
    await context.close();
  });

  it("after an upload the form shows the uploaded figures", async () => {
    const { context, page } = await newPage(browser, "en-US");
    await signIn(page, baseURL, "focal.khda@example.com");
    await page.goto(`${baseURL}/figures/KHDA/${MONTH}`);
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    const csv = `entity,kpi,period,value,numerator,denominator,comment\nKHDA,OPEN_DATASETS,${MONTH},42,,,from our system\n`;
    await page.locator("#file").setInputFiles({ name: "figures.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Upload" }).click();
    await page.getByText("Uploaded and saved as draft: 1 figure.").waitFor();
    // Without a reload: the field shows what the file brought.
    expect(await page.locator('[name="value.OPEN_DATASETS"]').inputValue()).toBe("42");
    expect(await page.locator('[name="comment.OPEN_DATASETS"]').inputValue()).toBe("from our system");
    await screenshot(page, "entry-uploaded-en");
    await context.close();
  });

  it("each role's round in Arabic: a focal point continues from the round and submits, the administrator's months to lock", async () => {
    const ded = await newPage(browser, "ar-AE");
    await signIn(ded.page, baseURL, "focal.ded@example.com");
    expect(new URL(ded.page.url()).pathname).toBe("/round");
    expect(await ded.page.getAttribute("html", "dir")).toBe("rtl");
    // DED has sent nothing for the month to report (drafts at most, in the demo): overdue once
    // its due moment has passed, due in so many days before.
    const toReport = addMonths(MONTH, -1);
    const overdue = Date.now() > Date.parse(dueMoment(toReport, 10));
    const deadline = plain(await ded.page.locator(".round-deadline").textContent());
    expect(deadline).toMatch(overdue ? /^متأخر: كان موعد التسليم / : /^موعد التسليم .* يتبقى /);
    await screenshot(ded.page, "round-focal-ar");

    // One click to the month's form; every figure filled (the drafts kept), explained, submitted.
    await ded.page.getByRole("link", { name: /^متابعة / }).click();
    await ded.page.waitForURL(`${baseURL}/figures/DED/${toReport}`);
    // A navigation in the browser: the address changes as it commits and the form is drawn just
    // after, so wait for the form itself before listing its fields (an empty list submitted nothing).
    await ded.page.locator("fieldset.kpi-entry").first().waitFor();
    const fieldsets = await ded.page.locator("fieldset.kpi-entry").all();
    expect(fieldsets.length).toBeGreaterThan(0);
    for (const fieldset of fieldsets) {
      const kpi = (await fieldset.getAttribute("data-kpi"))!;
      const input = (name: string) => fieldset.locator(`[name="${name}.${kpi}"]`);
      if ((await input("numerator").count()) > 0) {
        if ((await input("numerator").inputValue()) === "") await input("numerator").fill("٩٠٠");
        if ((await input("denominator").inputValue()) === "") await input("denominator").fill("١٬٠٠٠");
      } else if ((await fieldset.locator("select").count()) > 0) {
        if ((await input("value").inputValue()) === "") await input("value").selectOption("1");
      } else if ((await input("value").inputValue()) === "") await input("value").fill("٥");
      await input("comment").fill("أُرسلت من صفحة الدورة");
    }
    await ded.page.getByRole("button", { name: "تقديم للمراجعة" }).click();
    const notice = ded.page.locator(".notice[role=status]").first();
    await notice.waitFor();
    expect(plain(await notice.textContent())).toMatch(overdue ? /^قُدِّم للمراجعة: .* هذا التقديم متأخر\.$/ : /^قُدِّم للمراجعة: [^.]*\.$/);
    await screenshot(ded.page, "entry-submitted-late-ar");
    await ded.context.close();

    const admin = await newPage(browser, "ar-AE");
    await signIn(admin.page, baseURL, "admin@example.com");
    expect(new URL(admin.page.url()).pathname).toBe("/round");
    const rows = admin.page.locator("table.data-table tbody tr");
    expect(await rows.count()).toBe(6);
    // The months before the round are fully approved: ready to lock, linked to the locking page.
    await admin.page.getByRole("link", { name: "جاهز للإقفال" }).first().waitFor();
    await screenshot(admin.page, "round-admin-ar");
    await admin.context.close();

    // An executive's home is the city overview.
    const executive = await newPage(browser, "en-US");
    await signIn(executive.page, baseURL, "executive@example.com");
    expect(new URL(executive.page.url()).pathname).toBe("/");
    await executive.context.close();
  });

  it("an executive reads why a month sent on time scores 0%: its figures await the office's review", async () => {
    await readWhyDmScoresNothing(false);
  });

  it("an administrator locks a ready month from the round, and a month still in review only after the checklist", async () => {
    const { context, page } = await newPage(browser, "en-US");
    await signIn(page, baseURL, "admin@example.com");
    // The round's "Ready to lock" leads to the month's checklist: nothing left, lock at once.
    const ready = addMonths(MONTH, -3);
    await page.locator(`a[href="/periods?period=${ready}"]`).click();
    await page.waitForURL(`${baseURL}/periods?period=${ready}`);
    await page.getByText(/is approved: it is ready to lock\./).waitFor();
    await page.getByRole("button", { name: /^Lock / }).click();
    await page.getByText(/ is locked\.$/).waitFor();

    // The month before last still has figures waiting: they are listed, and locking needs the box ticked.
    const inReview = addMonths(MONTH, -2);
    await page.goto(`${baseURL}/periods?period=${inReview}`);
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    const checklist = page.locator(".lock-checklist");
    await checklist.getByRole("row", { name: /Dubai Municipality/ }).waitFor();
    await screenshot(page, "lock-checklist-en");
    const confirm = page.getByRole("checkbox", { name: /lock the month anyway/ });
    expect(await confirm.evaluate((box: HTMLInputElement) => box.required)).toBe(true);
    await confirm.check();
    await page.getByRole("button", { name: /^Lock / }).click();
    await page.getByText(/ is locked\.$/).waitFor();
    await context.close();
  });

  it("once that month is locked, an executive reads that its figures were not reviewed before the lock", async () => {
    await readWhyDmScoresNothing(true);
  });
});
