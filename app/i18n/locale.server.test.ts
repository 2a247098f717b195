import { describe, expect, it } from "vitest";
import { loader as switchLocale } from "../routes/locale";
import { fromAcceptLanguage, localeCookie, resolveLocale } from "./locale.server";

const request = (url: string, headers: Record<string, string> = {}) =>
  new Request(`http://localhost${url}`, { headers });

describe("choosing the page's language", () => {
  it("takes ?lang= first, then the cookie, then Accept-Language, then English", () => {
    expect(
      resolveLocale(request("/kpis?lang=ar", { Cookie: "lang=en", "Accept-Language": "en" })),
    ).toBe("ar");
    expect(
      resolveLocale(request("/kpis", { Cookie: "theme=dark; lang=ar", "Accept-Language": "en" })),
    ).toBe("ar");
    expect(resolveLocale(request("/kpis", { "Accept-Language": "ar-AE,ar;q=0.9,en;q=0.8" }))).toBe(
      "ar",
    );
    expect(resolveLocale(request("/kpis", { "Accept-Language": "fr-FR" }))).toBe("en");
    expect(resolveLocale(request("/kpis"))).toBe("en");
  });

  it("survives a malformed cookie: a bad percent-escape is no language, not a 500", () => {
    expect(resolveLocale(request("/", { Cookie: "lang=%E0%A4%A" }))).toBe("en");
    expect(resolveLocale(request("/", { Cookie: "lang=%; sid=%E0%A4%A", "Accept-Language": "ar" }))).toBe("ar");
  });

  it("ignores a language it does not have, wherever it comes from", () => {
    expect(
      resolveLocale(request("/kpis?lang=fr", { Cookie: "lang=de", "Accept-Language": "ar" })),
    ).toBe("ar");
  });

  it("ranks Accept-Language by q-value, not by order", () => {
    expect(fromAcceptLanguage("en;q=0.4, ar;q=0.9")).toBe("ar");
    expect(fromAcceptLanguage("ar;q=0, en")).toBe("en");
    expect(fromAcceptLanguage(null)).toBeUndefined();
  });

  it("remembers the choice for a year, Secure only over HTTPS", () => {
    expect(localeCookie("ar", false)).toBe("lang=ar; Path=/; Max-Age=31536000; SameSite=Lax");
    expect(localeCookie("en", true)).toContain("; Secure");
  });
});

describe("the language switch", () => {
  const call = (url: string) =>
    switchLocale({ request: request(url), params: {}, context: {} }) as Response;

  it("sets the cookie and returns to the same page", () => {
    const response = call("/locale?lang=ar&to=%2Fkpis%2FSMART_ADOPTION%3Fpillar%3Dx");
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/kpis/SMART_ADOPTION?pillar=x");
    expect(response.headers.get("Set-Cookie")).toContain("lang=ar");
  });

  it("never sends the reader to another site", () => {
    expect(call("/locale?lang=en&to=%2F%2Fevil.example").headers.get("Location")).toBe("/");
    expect(call("/locale?lang=en&to=https%3A%2F%2Fevil.example").headers.get("Location")).toBe("/");
    expect(call("/locale?lang=en&to=%2F%5Cevil.example").headers.get("Location")).toBe("/");
  });

  // Dot segments resolve to "//host": a protocol-relative Location that leaves the site.
  for (const to of ["/..//other.example/x", "/.//other.example", "/%2e%2e/%2e%2e//other.example", "/./%2e//other.example", "/a/../..//other.example"]) {
    it(`keeps the reader on this site for the open-redirect payload ${to}`, () => {
      const location = call(`/locale?lang=en&to=${encodeURIComponent(to)}`).headers.get("Location")!;
      expect(location.startsWith("/") && !location.startsWith("//")).toBe(true);
      expect(new URL(location, "http://app.example").origin).toBe("http://app.example");
    });
  }

  it("answers 400 for a language it does not have", () => {
    let thrown: unknown;
    try {
      call("/locale?lang=fr&to=%2F");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(400);
  });
});
