// A page as PDF, printed by headless Chromium from the page's own print stylesheet: the PDF
// libraries break Arabic shaping and right-to-left order; Chromium does not.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export function chromiumPath(): string | null {
  const candidate = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  return existsSync(candidate) ? candidate : null;
}

/** Prints `url` with the visitor's cookies, A4 landscape, once the fonts are ready. */
export async function printToPdf(url: string, cookies: Array<{ name: string; value: string }>, locale: string): Promise<Buffer> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error("Chromium is not installed");
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(path.join(tmpdir(), "pdf-"));
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const context = await browser.newContext({ locale, timezoneId: "Asia/Dubai" });
    const origin = new URL(url);
    await context.addCookies(cookies.map((c) => ({ name: c.name, value: c.value, domain: origin.hostname, path: "/" })));
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "networkidle" });
    await page.emulateMedia({ media: "print" });
    await page.evaluate(() => document.fonts.ready);
    return await page.pdf({ format: "A4", landscape: true, printBackground: true, preferCSSPageSize: true });
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
