// Arabic pages as an executive and a focal point read them: every number with its sign and
// percent sign on the side a reader expects, KPIs named rather than coded, and a month picker
// in the page's language that the keyboard can move through without leaving the page.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { misplacedNumbers } from "../../app/i18n/bidi";
import { launch, newPage, screenshot, signIn } from "./browser";

const baseURL = inject("baseURL");
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** Console errors, hydration mismatches among them, from the moment the page is opened. */
function consoleErrors(page: Page) {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

async function open(page: Page, path: string) {
  await page.goto(`${baseURL}${path}`);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}

/**
 * Where the page draws a sign after its digits or a percent sign before them, measured on the
 * screen: for each sign or percent sign next to digits in a text node, the box of the symbol
 * against the box of the digit beside it. Western digits read left to right, so "+" belongs on
 * the left of the first digit and "%" on the right of the last, in Arabic as in English.
 */
async function drawnOnTheWrongSide(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    // Tables below the fold are not laid out (content-visibility) and closed details not at all.
    document.querySelectorAll<HTMLElement>(".table-scroll").forEach((e) => (e.style.contentVisibility = "visible"));
    document.querySelectorAll("details").forEach((d) => (d.open = true));
    const invisible = /[\u200e\u200f\u061c\u2066-\u2069]/;
    const box = (node: Text, i: number) => {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      return range.getBoundingClientRect();
    };
    const wrong: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
      if (node.parentElement?.closest("script, style")) continue;
      const text = node.data;
      for (const match of text.matchAll(/[+\u2212%-]/g)) {
        const i = match.index;
        const percent = match[0] === "%";
        const step = percent ? -1 : 1;
        let j = i + step;
        while (j >= 0 && j < text.length && invisible.test(text[j]!)) j += step;
        if (!/[0-9]/.test(text[j] ?? "")) continue;
        // A hyphen between letters or digits ("2018-12", "e-/smart") is not a sign.
        if (!percent && /[\p{L}\p{N}]/u.test(text[i - 1] ?? "")) continue;
        const symbol = box(node, i);
        const digit = box(node, j);
        if (symbol.width === 0 || digit.width === 0 || Math.abs(symbol.top - digit.top) > 4) continue;
        const right = percent ? symbol.left >= digit.left : symbol.left <= digit.left;
        if (!right) wrong.push(text.slice(Math.max(0, i - 24), i + 24));
      }
    }
    return wrong;
  });
}

/** The page's text nodes and its tooltips and accessible labels, which have no boxes to measure. */
async function sentences(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement?.closest("script, style") && /[0-9]/.test(node.textContent ?? "")) out.push(node.textContent ?? "");
    }
    for (const e of document.querySelectorAll("[title], [aria-label]")) {
      for (const name of ["title", "aria-label"]) {
        const value = e.getAttribute(name);
        if (value && /[0-9]/.test(value)) out.push(value);
      }
    }
    return out;
  });
}

const KPI_CODE = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/;

describe("numbers on Arabic pages", () => {
  const pages: Array<[string, string, string]> = [
    ["executive@example.com", "overview", "/?period=2018-12"],
    ["executive@example.com", "scorecard", "/entities/RTA?period=2018-12"],
    ["executive@example.com", "kpi", "/kpis/SMART_ADOPTION?period=2018-12"],
    ["focal.rta@example.com", "figures", "/figures/RTA/2018-12"],
  ];
  for (const [who, name, path] of pages) {
    it(`puts signs and percent signs where an Arabic reader expects them: ${name}`, async () => {
      const { context, page } = await newPage(browser, "ar-AE");
      const errors = consoleErrors(page);
      await signIn(page, baseURL, who);
      await open(page, path);
      expect(await page.getAttribute("html", "dir")).toBe("rtl");

      expect(await drawnOnTheWrongSide(page)).toEqual([]);
      // The same rule in the text itself, which also covers tooltips and labels: no "%" before
      // digits, no sign after them, none split from its number by an isolate's edge.
      const problems = (await sentences(page)).flatMap((s) => misplacedNumbers(s, { requireIsolates: false }));
      expect(problems).toEqual([]);

      // A KPI is named in headings, not coded.
      const headings = await page.locator("h1, h2, h3").allTextContents();
      expect(headings.filter((h) => KPI_CODE.test(h))).toEqual([]);

      await screenshot(page, `arabic-${name}`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it("finds a percent sign drawn before its number, so the check above can fail", async () => {
    const { context, page } = await newPage(browser, "ar-AE");
    await page.setContent(
      '<html lang="ar" dir="rtl"><body><p>أن تبلغ كل جهة 80% بنهاية العام</p><p>\u2066+0.3\u2069 نقطة</p></body></html>',
    );
    expect(await drawnOnTheWrongSide(page)).toEqual(["أن تبلغ كل جهة 80% بنهاية العام"]);
    await context.close();
  });
});

describe("the month picker", () => {
  for (const locale of ["ar-AE", "en-US"] as const) {
    const ar = locale === "ar-AE";
    it(`names the months in the page's language and moves only on Show (${ar ? "Arabic" : "English"})`, async () => {
      const { context, page } = await newPage(browser, locale);
      const errors = consoleErrors(page);
      await signIn(page, baseURL, "executive@example.com");
      await open(page, "/entities/RTA?period=2018-12");
      const picker = page.getByLabel(ar ? "الشهر" : "Month", { exact: true });
      expect(await picker.evaluate((e) => e.tagName)).toBe("SELECT");
      expect(await picker.inputValue()).toBe("2018-12");
      expect(await picker.locator("option:checked").textContent()).toBe(ar ? "ديسمبر 2018" : "December 2018");
      // Grouped by year, newest first, every month named in the page's language.
      const years = await picker.locator("optgroup").evaluateAll((groups) => groups.map((g) => g.getAttribute("label")));
      expect(years.slice(0, 3)).toEqual([...years].sort().reverse().slice(0, 3));
      expect(years).toContain("2018");
      const names = await picker.locator("option").allTextContents();
      expect(names.every((n) => (ar ? /^[\u0600-\u06ff]+ \d{4}$/ : /^[A-Z][a-z]+ \d{4}$/).test(n))).toBe(true);

      // Arrow keys move through the months without leaving the page; Show goes there.
      await picker.focus();
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      expect(page.url()).toMatch(/period=2018-12$/);
      expect(await picker.inputValue()).toBe("2018-10");
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(ar ? "عرض" : "Show");
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/entities\/RTA\?period=2018-10$/);
      // In a client-side navigation the address changes before the new month is drawn: wait for it.
      await page.waitForFunction((month) => document.querySelector(".lead")?.textContent?.includes(month), ar ? "أكتوبر 2018" : "October 2018");
      expect(await page.locator(".lead").textContent()).toContain(ar ? "أكتوبر 2018" : "October 2018");
      // The picker follows a step link too (a client-side navigation keeps the same select).
      await page.locator(".month-steps a[rel=next]").click();
      await page.waitForURL(/period=2018-11$/);
      await page.waitForFunction(() => (document.querySelector("#period") as HTMLSelectElement | null)?.value === "2018-11");
      await screenshot(page, `month-picker-${ar ? "ar" : "en"}`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it("keeps the page's other parameters and refuses a month outside the range as before", async () => {
    const { context, page } = await newPage(browser, "en-US");
    await signIn(page, baseURL, "executive@example.com");
    await open(page, "/entities/RTA?period=2018-12&lang=ar");
    await page.locator(".month-form button").click();
    await page.waitForURL(/lang=ar&period=2018-12$/);
    const response = await page.goto(`${baseURL}/entities/RTA?period=9999-12`);
    expect(response?.status()).toBe(400);
    await context.close();
  });
});
