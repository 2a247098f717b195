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

describe("signing in", () => {
  it("sends an anonymous visitor to sign in and back to the page asked for", async () => {
    const { context, page } = await newPage(browser, "en-US");
    await page.goto(`${baseURL}/kpis/SMART_ADOPTION`);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(new URL(page.url()).searchParams.get("redirectTo")).toBe("/kpis/SMART_ADOPTION");
    await screenshot(page, "login-en");
    await page.locator("#email").fill("analyst@example.com");
    await page.locator("#password").fill("demo-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${baseURL}/kpis/SMART_ADOPTION`);
    await page.getByText("Signed in as Demo Analyst, Analyst").waitFor();
    await context.close();
  });

  it("gives one message for a wrong password, in Arabic, and keeps the address typed", async () => {
    const { context, page } = await newPage(browser, "ar-AE");
    await page.goto(`${baseURL}/login`);
    await page.locator("#email").fill("executive@example.com");
    await page.locator("#password").fill("not-the-password");
    await page.getByRole("button", { name: "تسجيل الدخول" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toBe("البريد الإلكتروني أو كلمة المرور غير صحيحة.");
    expect(await page.locator("#email").inputValue()).toBe("executive@example.com");
    expect(await page.locator("#password").inputValue()).toBe("");
    await screenshot(page, "login-error-ar");
    await context.close();
  });

  it("refuses an account for a while after repeated failures, with 429", async () => {
    const { context, page } = await newPage(browser, "en-US");
    await page.goto(`${baseURL}/login`);
    let status = 0;
    page.on("response", (r) => {
      // With JavaScript the form posts to the route's data URL (/login.data).
      if (r.request().method() === "POST" && new URL(r.url()).pathname.startsWith("/login")) status = r.status();
    });
    for (let attempt = 1; attempt <= 6; attempt++) {
      await page.locator("#email").fill("focal.dcaa@example.com");
      await page.locator("#password").fill(`wrong-${attempt}`);
      await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.locator("form button[type=submit]").click()]);
    }
    expect(status).toBe(429);
    await page.getByText(/Too many failed attempts.*15 minutes/).waitFor();
    await screenshot(page, "login-locked-en");
    await context.close();
  });

  it("protects the session cookie and sends the security headers", async () => {
    const { context, page } = await newPage(browser, "en-US");
    const response = await page.goto(`${baseURL}/login`);
    const headers = response!.headers();
    expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    await signIn(page, baseURL, "executive@example.com");
    const sid = (await context.cookies()).find((c) => c.name === "sid");
    expect(sid).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    await context.close();
  });
});

describe("what each role sees", () => {
  it("an administrator manages users", async () => {
    const { context, page } = await newPage(browser, "en-US");
    await signIn(page, baseURL, "admin@example.com");
    await page.getByRole("link", { name: "Users" }).click();
    await page.waitForURL(`${baseURL}/admin/users`);
    const users = page.getByRole("table", { name: "Users with their role, entity, status and last sign-in" });
    expect(await users.getByRole("row", { name: /focal\.rta@example\.com/ }).textContent()).toContain("Roads and Transport Authority");
    await page.locator("#email").fill("new.analyst@example.com");
    await page.locator("#name").fill("New Analyst");
    await page.locator("#role").selectOption("analyst");
    await page.locator("#password").fill("a-strong-password");
    await page.getByRole("button", { name: "Add user" }).click();
    await page.waitForURL(/created=/);
    expect(await page.getByRole("status").textContent()).toBe("new.analyst@example.com can now sign in.");
    await screenshot(page, "admin-users-en");
    await context.close();

    const second = await newPage(browser, "en-US");
    await signIn(second.page, baseURL, "new.analyst@example.com", "a-strong-password");
    await second.page.getByText("Signed in as New Analyst, Analyst").waitFor();
    await second.context.close();
  });

  it("an administrator's form keeps what was typed and says what is wrong, in Arabic", async () => {
    const { context, page } = await newPage(browser, "ar-AE");
    await signIn(page, baseURL, "admin@example.com");
    await page.goto(`${baseURL}/admin/users`);
    await page.locator("#email").fill("focal.new@example.com");
    await page.locator("#name").fill("ضابط جديد");
    await page.locator("#role").selectOption("focal-point");
    await page.locator("#password").fill("short");
    await page.getByRole("button", { name: "إضافة المستخدم" }).click();
    await expect(page.locator("#entityCode-error").textContent()).resolves.toBe("اختر الجهة التي يُبلِّغ عنها ضابط الاتصال هذا.");
    // The numbers stand in bidi isolates (decision 22).
    await expect(page.locator("#password-error").textContent()).resolves.toBe("استخدم ما بين \u206810\u2069 و\u2068200\u2069 حرفًا.");
    expect(await page.locator("#name").inputValue()).toBe("ضابط جديد");
    expect(await page.locator("#email").inputValue()).toBe("focal.new@example.com");
    await screenshot(page, "admin-users-errors-ar");
    await context.close();
  });

  for (const [email, role] of [
    ["executive@example.com", "Executive"],
    ["analyst@example.com", "Analyst"],
    ["focal.rta@example.com", "Focal point"],
  ] as const) {
    it(`a signed-in ${role.toLowerCase()} reads the city overview but cannot reach user management`, async () => {
      const { context, page } = await newPage(browser, "en-US");
      await signIn(page, baseURL, email);
      // Sign-in lands on the person's home: the overview for an executive, the round for the rest.
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(role === "Executive" ? "City overview" : "The monthly round");
      await page.goto(`${baseURL}/`);
      expect(await page.getByRole("link", { name: "Users" }).count()).toBe(0);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("City overview");
      const response = await page.goto(`${baseURL}/admin/users`);
      expect(response?.status()).toBe(403);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Not allowed");
      await context.close();
    });
  }

  it("a focal point typing the user management address sees 403 in Arabic", async () => {
    const { context, page } = await newPage(browser, "ar-AE");
    await signIn(page, baseURL, "focal.dm@example.com");
    const response = await page.goto(`${baseURL}/admin/users/1`);
    expect(response?.status()).toBe(403);
    expect(await page.getAttribute("html", "dir")).toBe("rtl");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("غير مسموح");
    await screenshot(page, "403-ar");
    await context.close();
  });

  it("signing out ends the session", async () => {
    const { context, page } = await newPage(browser, "en-US");
    await signIn(page, baseURL, "executive@example.com");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login/);
    await page.goto(`${baseURL}/kpis`);
    expect(new URL(page.url()).pathname).toBe("/login");
    await context.close();
  });
});
