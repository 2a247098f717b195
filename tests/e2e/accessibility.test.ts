// axe-core on every page of the product, as each role, in both languages. Not a list of pages:
// a crawl from the header's links through every same-site link on each page, one page per route
// pattern, so a page is checked the day something links to it.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, newPage, signIn } from "./browser";

const baseURL = inject("baseURL");
const AXE_SOURCE = readFileSync(path.resolve("node_modules/axe-core/axe.min.js"), "utf8");
// WCAG 2.0, 2.1 and 2.2 at A and AA, and axe's best practices (landmarks, one h1, headings in
// order): the ones a screen-reader or keyboard user trips over first.
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
// Far above the number of route patterns: a crawl that reaches it has met an address that
// routePattern() does not reduce, and the test says so.
const MAX_PAGES = 40;
// The printed briefing book is one document whatever the reader's role (its loader asks only
// whether they may read it) and takes axe some 15 s: it is checked once per language below, not
// once per role. The crawl still follows the link to it and checks that it answers.
const BOOK = "/briefing/:month/print";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

type Violation = { page: string; rule: string; impact: string; help: string; targets: string[] };

/** Runs axe in the page as it stands, after hydration and the client-only charts. */
async function axe(page: Page, label: string): Promise<Violation[]> {
  // Tables far down the page skip rendering until scrolled near (content-visibility in app.css),
  // and axe cannot work out the colours of what is not rendered: render everything first.
  await page.addStyleTag({ content: ".table-scroll { content-visibility: visible !important; }" });
  await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async (tags) => {
    type Result = {
      violations: Array<{
        id: string;
        impact: string;
        help: string;
        nodes: Array<{ target: string[] }>;
      }>;
    };
    const run = (
      window as unknown as { axe: { run: (context: Document, options: object) => Promise<Result> } }
    ).axe.run;
    const result = await run(document, {
      runOnly: { type: "tag", values: tags },
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")),
    }));
  }, AXE_TAGS);
  return found.map((v) => ({ page: label, ...v }));
}

/**
 * The route pattern of a same-site address: codes, ids and months become placeholders, so the
 * crawl opens one entity, one KPI, one month's form… and stays bounded.
 */
function routePattern(pathname: string): string {
  const parts = pathname.split("/").filter(Boolean);
  const generic = parts.map((part) =>
    /^\d{4}-\d{2}$/.test(part) ? ":month" : /^\d+$/.test(part) ? ":id" : part,
  );
  const [first, second] = parts;
  if ((first === "entities" || first === "kpis") && parts.length === 2) return `/${first}/:code`;
  // Pillars, dimensions, initiatives and policies are one page drawn the same way.
  if (first === "strategy" && parts.length === 3) return "/strategy/:kind/:code";
  // The city's follow-up page (the executive summary) is a different page from an entity's.
  if ((first === "figures" || first === "follow-up") && parts.length >= 3) {
    return `/${first}/${second === "city" ? "city" : ":entity"}/${generic.slice(2).join("/")}`;
  }
  return `/${generic.join("/")}`;
}

/** Downloads, the API, and addresses that sign out or change the language are not pages. */
function skipped(url: URL): boolean {
  const p = url.pathname;
  return (
    url.origin !== new URL(baseURL).origin ||
    p === "/logout" ||
    p === "/locale" ||
    p.startsWith("/export") ||
    p.startsWith("/api/") ||
    p === "/reports/download" ||
    /\/(download|template)$/.test(p) ||
    /\.(pdf|csv|xlsx|json|zip)$/i.test(p)
  );
}

/** Same-site links in (part of) the page, as absolute addresses, without downloads. */
async function linksIn(page: Page, selector = "a[href]:not([download])"): Promise<URL[]> {
  const hrefs = await page.$$eval(selector, (as) => as.map((a) => (a as HTMLAnchorElement).href));
  return hrefs.map((href) => new URL(href)).filter((url) => !skipped(url));
}

/**
 * Opens a page and waits for it to hydrate (the root marks <html> when it has), so what axe reads
 * is what a person uses. Charts may still be drawing: they are boxes of role "img" with a label,
 * and that box is what axe checks. Error pages and the printed book have no app to hydrate.
 */
async function open(page: Page, url: string) {
  const response = await page.goto(url);
  if (response?.ok() && (await page.locator("script[type=module]").count()) > 0)
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  return response;
}

const pageName = (url: URL) => url.pathname + url.search;

/**
 * Breadth-first from the header's links (and `also`, pages that only some months link to);
 * returns the violations, broken links included, and the route patterns reached.
 */
async function crawl(page: Page, who: string, lang: "en" | "ar", also: string[]) {
  const violations: Violation[] = [];
  const reached = new Map<string, string>();
  await open(page, `${baseURL}/`);
  const queue = [
    new URL(`${baseURL}/`),
    ...(await linksIn(page, "header a[href]")),
    ...also.map((a) => new URL(a, baseURL)),
  ];
  while (queue.length > 0 && reached.size < MAX_PAGES) {
    const url = queue.shift()!;
    const pattern = routePattern(url.pathname);
    if (reached.has(pattern)) continue;
    reached.set(pattern, pageName(url));
    const label = `${who} ${pageName(url)}`;
    const response = await open(page, url.href);
    const status = response?.status() ?? 0;
    if (status !== 200) {
      violations.push({
        page: label,
        rule: `HTTP ${status}`,
        impact: "broken link",
        help: "a link in the product leads to an error",
        targets: [],
      });
      continue;
    }
    if (pattern === BOOK) continue;
    const said = await page.locator("html").getAttribute("lang");
    if (said !== lang)
      violations.push({
        page: label,
        rule: "language",
        impact: "wrong language",
        help: `the page is in "${said}", not "${lang}"`,
        targets: ["html"],
      });
    violations.push(...(await axe(page, label)));
    for (const link of await linksIn(page))
      if (!reached.has(routePattern(link.pathname))) queue.push(link);
  }
  return { violations, reached };
}

/** One line per rule broken on a page, with the first few elements that break it. */
function readable(violations: Violation[]): string {
  return violations
    .map(
      (v) =>
        `${v.page} — ${v.rule} (${v.impact}): ${v.help}${v.targets
          .slice(0, 4)
          .map((t) => `\n    ${t}`)
          .join("")}${v.targets.length > 4 ? `\n    … and ${v.targets.length - 4} more` : ""}`,
    )
    .join("\n");
}

// What each role must at least reach, so the crawl cannot pass by crawling nothing. The pages
// every signed-in person has are listed once.
const EVERYONE = [
  "/",
  "/kpis",
  "/kpis/:code",
  "/entities/:code",
  "/strategy/:kind/:code",
  "/figures",
  "/figures/:entity/:month",
  "/follow-up/:entity/:month",
  "/history/:id",
  "/editions",
  "/notices",
  "/notices/preferences",
  "/settings/password",
];
const ROLES = [
  {
    email: "admin@example.com",
    expected: [
      ...EVERYONE,
      "/round",
      "/plans/:id",
      "/reports",
      BOOK,
      "/briefing",
      "/settings/tokens",
      "/periods",
      "/admin/users",
      "/admin/users/:id",
      "/outbox",
    ],
  },
  {
    email: "analyst@example.com",
    expected: [
      ...EVERYONE,
      "/round",
      "/plans/:id",
      "/review",
      "/reports",
      "/briefing",
      BOOK,
      "/settings/tokens",
      "/follow-up/city/:month",
    ],
  },
  { email: "executive@example.com", expected: [...EVERYONE, "/plans/:id", "/briefing", BOOK] },
  { email: "focal.rta@example.com", expected: [...EVERYONE, "/round", "/settings/tokens"] },
];
// A published month's pages link to its editions; the demo's current month is not published.
const ALSO = ["/editions?period=2018-12"];

describe("accessibility: axe finds nothing on any page", () => {
  for (const locale of ["en-US", "ar-AE"] as const) {
    const language = locale === "ar-AE" ? "Arabic" : "English";

    // Desktop in both languages; a phone's width once, in English: tables wider than a phone
    // must still scroll from the keyboard, and the layout does not change with the language.
    for (const phone of locale === "en-US" ? [false, true] : [false]) {
      for (const role of ROLES) {
        const who = `${role.email.split("@")[0]} ${language}${phone ? " phone" : ""}`;
        it(
          `${role.email}, ${language}${phone ? " on a phone" : ""}: every page reached from the header`,
          { timeout: 240_000 },
          async () => {
            const { context, page } = await newPage(browser, locale);
            try {
              if (phone) await page.setViewportSize({ width: 390, height: 844 });
              await signIn(page, baseURL, role.email);
              const { violations, reached } = await crawl(
                page,
                who,
                locale === "ar-AE" ? "ar" : "en",
                ALSO,
              );
              if (process.env.AXE_CRAWL_LOG)
                console.log(
                  `${who}: ${reached.size} pages\n  ${[...reached].map(([p, u]) => `${p.padEnd(28)} ${u}`).join("\n  ")}`,
                );
              expect
                .soft(
                  role.expected.filter((p) => !reached.has(p)),
                  `${who}: pages the crawl did not reach`,
                )
                .toEqual([]);
              expect
                .soft(reached.size, `${who}: the crawl stopped at its bound`)
                .toBeLessThan(MAX_PAGES);
              expect(readable(violations)).toBe("");
            } finally {
              await context.close();
            }
          },
        );
      }
    }

    it(
      `the sign-in page, a wrong password, the error pages and the printed briefing book (${language})`,
      { timeout: 90_000 },
      async () => {
        const { context, page } = await newPage(browser, locale);
        const found: Violation[] = [];
        try {
          await open(page, `${baseURL}/login`);
          found.push(...(await axe(page, `anonymous ${language} /login`)));
          // An address with no account, so no demo account's count of failed attempts moves.
          await page.locator("#email").fill("nobody@example.com");
          await page.locator("#password").fill("not-the-password");
          await page.locator("form button[type=submit]").click();
          await page.locator("#login-error").waitFor();
          found.push(...(await axe(page, `anonymous ${language} /login, wrong password`)));

          await signIn(page, baseURL, "executive@example.com");
          expect((await open(page, `${baseURL}/no-such-page`))?.status()).toBe(404);
          found.push(...(await axe(page, `executive ${language} /no-such-page (404)`)));
          expect((await open(page, `${baseURL}/?period=2018-13`))?.status()).toBe(400);
          found.push(...(await axe(page, `executive ${language} /?period=2018-13 (400)`)));

          const book = `/briefing/2018-12/print?lang=${locale === "ar-AE" ? "ar" : "en"}`;
          expect((await open(page, `${baseURL}${book}`))?.status()).toBe(200);
          found.push(...(await axe(page, `executive ${language} ${book}`)));
        } finally {
          await context.close();
        }
        expect(readable(found)).toBe("");
      },
    );

    it(
      `a focal point's figures submitted empty, with every field in error (${language})`,
      { timeout: 60_000 },
      async () => {
        const { context, page } = await newPage(browser, locale);
        try {
          // An entity no other browser test enters figures for (RTA's month may already have been
          // submitted by figures.test.ts, leaving no form to send): the first month its figures
          // page offers that can still be submitted. Which month that is depends on today's date.
          await signIn(page, baseURL, "focal.dof@example.com");
          await open(page, `${baseURL}/figures`);
          const forms = await linksIn(page, 'main a[href^="/figures/DOF/"]');
          let form: (typeof forms)[number] | undefined;
          for (const candidate of forms) {
            await open(page, candidate.href);
            if ((await page.locator(".entry-actions button[value=submit]").count()) > 0) {
              form = candidate;
              break;
            }
          }
          expect(form, "the figures page links to a form of DOF's that can be submitted").toBeDefined();
          const answer = page.waitForResponse((r) => r.request().method() === "POST");
          await page.locator(".entry-actions button[value=submit]").click();
          expect((await answer).status()).toBe(400);
          await page.locator(".field-error").first().waitFor();
          expect(await page.locator("[aria-invalid=true]").count()).toBeGreaterThan(3);
          expect(
            readable(await axe(page, `focal.dof ${language} ${pageName(form!)}, submitted empty`)),
          ).toBe("");
        } finally {
          await context.close();
        }
      },
    );
  }
});
