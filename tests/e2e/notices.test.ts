// Notices in a real browser: the header's unread count, the inbox in English and Arabic, marking
// one read, the e-mail preferences, and the administrators' Outbox.
//
// Only Dubai Health Authority's focal point is used here (no other browser test signs in as
// focal.dha@example.com), and the preferences it changes are put back as they were.
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { addMonths, periodOf } from "../../app/figures/month";
import { launch, newPage, screenshot, signIn } from "./browser";
import { query } from "./http";

const baseURL = inject("baseURL");
const databasePath = inject("databasePath");
let browser: Browser;

const DHA = "focal.dha@example.com";
const ADMIN = "admin@example.com";
/** The month whose DHA figure the demo's analyst returned: the month before last, in Dubai. */
const MONTH = addMonths(periodOf(new Date()), -2);
const COMMENT =
  "The denominator looks like last year's total: please check it against the transactions system.";
const RETURNED_SUBJECT = /^Returned: Transactions through e-\/smart channels for /;

const plain = (s: string | null) =>
  (s ?? "")
    .replace(/[\u200e\u200f\u061c\u2066-\u2069]/g, "")
    .replace(/\s+/g, " ")
    .trim();

beforeAll(async () => {
  browser = await launch();
  // The server's first notice run (5 s after start) queues the clock's notices and hands the
  // pending e-mails to a missing mail server. Wait for it, so no notice arrives in DHA's inbox
  // while a test counts: the demo's returned notice leaves "pending" once that run has passed.
  await vi.waitFor(
    () => {
      const states = query<{ mail: string }>(
        databasePath,
        `SELECT n.mail FROM notices n JOIN users u ON u.id = n.user_id
          WHERE u.email = ? AND n.kind = 'returned' AND n.period = ?`,
        DHA,
        MONTH,
      ).map((r) => r.mail);
      expect(states).toEqual(["no-server"]);
    },
    { timeout: 30_000, interval: 250 },
  );
});
afterAll(async () => {
  await browser?.close();
});

async function hydrated(page: Page) {
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}

/** The header's way to the notices: its accessible name, its text, and the count they give. */
async function headerCount(page: Page): Promise<number> {
  const link = page.locator("header a.notices-link");
  const text = plain(await link.textContent());
  const label = await link.getAttribute("aria-label");
  if (text === "Notices") {
    expect(label).toBeNull();
    return 0;
  }
  const count = /^Notices \((\d+)\)$/.exec(text);
  expect(count, `header link text ${text}`).not.toBeNull();
  expect(label).toBe(`Notices: ${count![1]} unread`);
  // The accessible name is the label, not the bare "(N)".
  await page.getByRole("link", { name: `Notices: ${count![1]} unread`, exact: true }).waitFor();
  return Number(count![1]);
}

function returnedNotice(page: Page, subject: RegExp): Locator {
  return page.locator("article.notice-item", {
    has: page.locator("h2.notice-subject", { hasText: subject }),
  });
}

describe("notices", () => {
  it("DHA's focal point sees the returned figure's notice in the inbox and marks it read", async () => {
    const { context, page } = await newPage(browser, "en-US");
    try {
      await signIn(page, baseURL, DHA);
      await hydrated(page);
      const before = await headerCount(page);
      expect(before).toBeGreaterThanOrEqual(1);

      await page.locator("header a.notices-link").click();
      await page.waitForURL(`${baseURL}/notices`);
      await page.getByRole("heading", { level: 1, name: "Notices" }).waitFor();
      await hydrated(page);
      expect(plain(await page.locator(".notices-summary p").textContent())).toBe(
        before === 1 ? "1 unread notice." : `${before} unread notices.`,
      );

      const notice = returnedNotice(page, RETURNED_SUBJECT);
      expect(await notice.count()).toBe(1);
      expect(await notice.locator(".notice-kind").textContent()).toBe("Figure returned");
      expect(plain(await notice.locator(".notice-line").first().textContent())).toMatch(
        /^An analyst returned Dubai Health Authority's figure for Transactions through e-\/smart channels, .+, with this comment:$/,
      );
      const quote = notice.locator("blockquote.notice-quote");
      expect(await quote.textContent()).toBe(COMMENT);
      expect(await quote.getAttribute("dir")).toBe("auto");
      const open = notice.getByRole("link", { name: "Open its page" });
      expect(await open.getAttribute("href")).toBe(`/figures/DHA/${MONTH}`);
      expect(await notice.locator(".notice-flag").textContent()).toBe("Unread");
      await screenshot(page, "notices-en");

      await notice.getByRole("button", { name: "Mark as read" }).click();
      // The action answers, then every loader runs again: the status, the notice and the header.
      await page.getByRole("status").filter({ hasText: "1 notice marked as read." }).waitFor();
      await notice.locator(".notice-flag").waitFor({ state: "detached" });
      await notice.getByRole("button", { name: "Mark as read" }).waitFor({ state: "detached" });
      expect(plain(await notice.locator(".notice-actions .muted").textContent())).toMatch(/^Read /);
      await expect.poll(() => headerCount(page)).toBe(before - 1);
      expect(new URL(page.url()).pathname).toBe("/notices");

      // It stays read on a fresh load.
      await page.reload();
      await hydrated(page);
      expect(await returnedNotice(page, RETURNED_SUBJECT).locator(".notice-flag").count()).toBe(0);
      expect(await headerCount(page)).toBe(before - 1);
    } finally {
      await context.close();
    }
  });

  it("the inbox in Arabic: right to left, and the notice's subject in Arabic", async () => {
    const { context, page } = await newPage(browser, "ar-AE");
    try {
      await context.addCookies([{ name: "lang", value: "ar", url: baseURL }]);
      await signIn(page, baseURL, DHA);
      await page.goto(`${baseURL}/notices`);
      await hydrated(page);
      expect(await page.locator("html").getAttribute("dir")).toBe("rtl");
      expect(await page.locator("html").getAttribute("lang")).toBe("ar");
      await page.getByRole("heading", { level: 1, name: "الإشعارات" }).waitFor();
      expect(plain(await page.locator("header a.notices-link").textContent())).toMatch(
        /^الإشعارات/,
      );

      const notice = returnedNotice(page, /^أُعيد:/);
      expect(await notice.count()).toBe(1);
      expect(plain(await notice.locator("h2.notice-subject").textContent())).toMatch(
        /^أُعيد: .+ لشهر .+$/,
      );
      expect(await notice.locator(".notice-kind").textContent()).toBe("رقم مُعاد");
      // The analyst's own words are quoted as written, in their own direction.
      expect(await notice.locator("blockquote.notice-quote").textContent()).toBe(COMMENT);
      expect(await notice.getByRole("link", { name: "افتح صفحته" }).getAttribute("href")).toBe(
        `/figures/DHA/${MONTH}`,
      );
      await screenshot(page, "notices-ar");
    } finally {
      await context.close();
    }
  });

  it("the preferences: a kind unticked and the e-mail's language are kept", async () => {
    const { context, page } = await newPage(browser, "en-US");
    const reminder = () => page.getByRole("checkbox", { name: "Reminder: also by e-mail" });
    const save = async () => {
      await page.getByRole("button", { name: "Save preferences" }).click();
      await page.getByRole("status").filter({ hasText: "Your preferences are saved." }).waitFor();
    };
    const load = async () => {
      await page.goto(`${baseURL}/notices/preferences`);
      await page.getByRole("heading", { level: 1, name: "Notice preferences" }).waitFor();
      await hydrated(page);
    };
    try {
      await signIn(page, baseURL, DHA);
      await load();
      // A focal point's four kinds, all by e-mail until said otherwise; English mail.
      const kinds = ["Reminder", "Due today", "Overdue", "Figure returned"];
      for (const kind of kinds) {
        expect(
          await page.getByRole("checkbox", { name: `${kind}: also by e-mail` }).isChecked(),
        ).toBe(true);
      }
      expect(await page.getByRole("radio", { name: "English" }).isChecked()).toBe(true);

      await reminder().uncheck();
      await save();
      await load();
      expect(await reminder().isChecked()).toBe(false);
      for (const kind of kinds.slice(1)) {
        expect(
          await page.getByRole("checkbox", { name: `${kind}: also by e-mail` }).isChecked(),
        ).toBe(true);
      }
      expect(await page.getByRole("radio", { name: "English" }).isChecked()).toBe(true);

      await page.getByRole("radio", { name: "العربية" }).check();
      await save();
      await load();
      expect(await page.getByRole("radio", { name: "العربية" }).isChecked()).toBe(true);
      expect(await page.getByRole("radio", { name: "English" }).isChecked()).toBe(false);
      expect(await reminder().isChecked()).toBe(false);
      // The page itself stays in the language the browser asked for.
      expect(await page.locator("html").getAttribute("lang")).toBe("en");
      await screenshot(page, "notice-preferences-en");
    } finally {
      // Put DHA's choices back as the demo has them: every kind by e-mail, English.
      await load();
      await reminder().check();
      await page.getByRole("radio", { name: "English" }).check();
      await save();
      await load();
      expect(await reminder().isChecked()).toBe(true);
      expect(await page.getByRole("radio", { name: "English" }).isChecked()).toBe(true);
      await context.close();
    }
  });

  it("the Outbox lists DHA's returned notice with no mail server, for administrators only", async () => {
    const admin = await newPage(browser, "en-US");
    try {
      await signIn(admin.page, baseURL, ADMIN);
      const answer = await admin.page.goto(`${baseURL}/outbox`);
      expect(answer?.status()).toBe(200);
      await admin.page.getByRole("heading", { level: 1, name: "Outbox" }).waitFor();
      expect(
        plain(await admin.page.getByRole("note").filter({ hasText: "SMTP_URL" }).textContent()),
      ).toBe(
        "No mail server is set (SMTP_URL): these notices are in people's inboxes and would have been e-mailed.",
      );
      const row = admin.page
        .locator(".outbox-table tbody tr", {
          has: admin.page.locator(".outbox-subject", { hasText: RETURNED_SUBJECT }),
        })
        .filter({ hasText: DHA });
      expect(await row.count()).toBe(1);
      expect(plain(await row.locator("td").nth(2).textContent())).toBe("Figure returned");
      expect(plain(await row.locator(".mail-state").textContent())).toBe("No mail server");
      expect(await row.locator(".outbox-subject").getAttribute("lang")).toBe("en");
      await screenshot(admin.page, "outbox-en");
    } finally {
      await admin.context.close();
    }

    const focal = await newPage(browser, "en-US");
    try {
      await signIn(focal.page, baseURL, DHA);
      const answer = await focal.page.goto(`${baseURL}/outbox`);
      expect(answer?.status()).toBe(403);
      expect(await focal.page.locator(".outbox-table").count()).toBe(0);
      // No way to it in the header either.
      expect(await focal.page.locator("header").getByRole("link", { name: "Outbox" }).count()).toBe(
        0,
      );
    } finally {
      await focal.context.close();
    }
  });
});
