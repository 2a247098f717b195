// Debian's Chromium driven by playwright-core: no browser download, no network beyond localhost.
// playwright gives every launch a fresh temporary profile of its own.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM_FLAGS } from "../../app/exports/chromium-flags";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOTS = path.resolve("tests/e2e/screenshots");

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
}

/** A fresh context whose browser asks for `locale` first, in Dubai's time zone. */
export async function newPage(
  browser: Browser,
  locale: "en-US" | "ar-AE",
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    locale,
    timezoneId: "Asia/Dubai",
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  return { context, page };
}

/** Saves a full-page screenshot under tests/e2e/screenshots for a person to read. */
export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Tables far below the screen are not painted until scrolled near (content-visibility in
  // app.css); a full-page picture shows them all.
  await page.addStyleTag({ content: ".table-scroll { content-visibility: visible; }" });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export const DEMO_PASSWORD = "demo-password";

/** Signs in through the form, as a person would, and waits to leave the sign-in page. */
export async function signIn(page: Page, baseURL: string, email: string, password = DEMO_PASSWORD) {
  await page.goto(`${baseURL}/login`);
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith("/login")), page.locator("form button[type=submit]").click()]);
  // After hydration the sign-in is a client-side navigation: the address changes first, then
  // the new page renders. Wait for the sign-in form to be gone.
  await page.locator("#password").waitFor({ state: "detached" });
}
