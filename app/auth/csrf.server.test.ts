import { describe, expect, it } from "vitest";
import { CSRF_COOKIE, CSRF_FIELD, csrfToken, requireCsrf } from "./csrf.server";

const TOKEN = "A".repeat(21) + "b_-".repeat(7) + "z";
const OTHER = "B".repeat(21) + "b_-".repeat(7) + "z";

function request(cookie?: string, url = "http://localhost/login") {
  return new Request(url, { headers: cookie === undefined ? {} : { Cookie: cookie } });
}

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

/** The Response requireCsrf throws, or null when it lets the request through. */
function thrown(req: Request, data: FormData): Response | null {
  try {
    requireCsrf(req, data);
    return null;
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
}

describe("csrfToken", () => {
  it("has the token fixtures of the right shape", () => {
    expect(TOKEN).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(OTHER).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(CSRF_COOKIE).toBe("csrf");
    expect(CSRF_FIELD).toBe("csrf");
  });

  it("issues a 43-character base64url token and an HttpOnly, SameSite=Lax cookie when there is none", () => {
    const { token, setCookie } = csrfToken(request());
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(setCookie).not.toBeNull();
    const parts = setCookie!.split("; ");
    expect(parts[0]).toBe(`csrf=${token}`);
    expect(parts).toContain("HttpOnly");
    expect(parts).toContain("SameSite=Lax");
    expect(parts).toContain("Path=/");
    expect(parts.some((p) => /^Max-Age=\d+$/.test(p) && Number(p.slice(8)) > 0)).toBe(true);
    expect(parts).not.toContain("Secure");
  });

  it("marks the cookie Secure on an https:// request", () => {
    const { setCookie } = csrfToken(request(undefined, "https://dashboard.example/login"));
    expect(setCookie!.split("; ")).toContain("Secure");
  });

  it("issues a different token to each new visitor", () => {
    expect(csrfToken(request()).token).not.toBe(csrfToken(request()).token);
  });

  it("replaces a malformed cookie with a new token", () => {
    for (const bad of [
      "",
      "short",
      TOKEN.slice(0, 42),
      `${TOKEN}x`,
      `${TOKEN.slice(0, 42)}!`,
      `${TOKEN.slice(0, 42)}=`,
      "<script>alert(1)</script>".padEnd(43, "a"),
      "%E0%A4%A", // cannot be decoded
    ]) {
      const { token, setCookie } = csrfToken(request(`${CSRF_COOKIE}=${bad}`));
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(token).not.toBe(bad);
      expect(setCookie).toMatch(new RegExp(`^csrf=${token};`));
    }
  });

  it("reuses a valid cookie's token and sets no cookie", () => {
    expect(csrfToken(request(`csrf=${TOKEN}`))).toEqual({ token: TOKEN, setCookie: null });
    expect(csrfToken(request(`theme=dark; csrf=${TOKEN}; lang=ar`))).toEqual({ token: TOKEN, setCookie: null });
  });
});

describe("requireCsrf", () => {
  it("passes when the form's token matches the cookie's", () => {
    expect(thrown(request(`csrf=${TOKEN}`), form({ csrf: TOKEN }))).toBeNull();
    expect(thrown(request(`lang=ar; csrf=${TOKEN}`), form({ csrf: TOKEN, email: "a@b.c" }))).toBeNull();
  });

  const cases: Array<[string, string | undefined, Record<string, string>]> = [
    ["the form has no token", `csrf=${TOKEN}`, {}],
    ["the form's token is empty", `csrf=${TOKEN}`, { csrf: "" }],
    ["the request has no cookie", undefined, { csrf: TOKEN }],
    ["the request has other cookies but not the token", "sid=abc; theme=dark", { csrf: TOKEN }],
    ["the cookie is empty and so is the field", "csrf=", { csrf: "" }],
    ["neither cookie nor field", undefined, {}],
    ["the tokens differ in length", `csrf=${TOKEN}`, { csrf: TOKEN.slice(0, 42) }],
    ["the tokens have the same length but differ", `csrf=${TOKEN}`, { csrf: OTHER }],
    ["the tokens differ only in the last character", `csrf=${TOKEN}`, { csrf: `${TOKEN.slice(0, 42)}y` }],
    ["the field has non-ASCII characters", `csrf=${TOKEN}`, { csrf: `${TOKEN.slice(0, 41)}é` }],
    ["the field is Arabic of the same character length", `csrf=${TOKEN}`, { csrf: "ع".repeat(43) }],
    ["the field is the token with a NUL byte appended", `csrf=${TOKEN}`, { csrf: `${TOKEN}\u0000` }],
  ];
  for (const [name, cookie, fields] of cases) {
    it(`throws a 403 Response when ${name}`, async () => {
      const response = thrown(request(cookie), form(fields));
      expect(response).toBeInstanceOf(Response);
      expect(response!.status).toBe(403);
      expect(await response!.json()).toEqual({ message: "error.csrf" });
    });
  }

  it("throws a 403 when the field is a file rather than text", () => {
    const data = new FormData();
    data.set("csrf", new Blob([TOKEN]), "token.txt");
    expect(thrown(request(`csrf=${TOKEN}`), data)?.status).toBe(403);
  });
});

describe("a token bound to the session (a planted csrf cookie is worth nothing)", () => {
  const SID = "s".repeat(43);

  it("derives the signed-in token from the session cookie and issues no csrf cookie", () => {
    const { token, setCookie } = csrfToken(request(`csrf=${TOKEN}; sid=${SID}`));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token).not.toBe(TOKEN);
    expect(setCookie).toBeNull();
    // The same session, the same token; another session, another token.
    expect(csrfToken(request(`sid=${SID}`)).token).toBe(token);
    expect(csrfToken(request(`sid=${"t".repeat(43)}`)).token).not.toBe(token);
  });

  it("refuses a planted csrf cookie copied into the form with the victim's session", async () => {
    const refused = thrown(request(`csrf=${TOKEN}; sid=${SID}`), form({ csrf: TOKEN }));
    expect(refused?.status).toBe(403);
    expect(await refused?.json()).toEqual({ message: "error.csrf" });
  });

  it("accepts the session's token whatever csrf cookie is set beside it", () => {
    const token = csrfToken(request(`sid=${SID}`)).token;
    expect(thrown(request(`csrf=${OTHER}; sid=${SID}`), form({ csrf: token }))).toBeNull();
    expect(thrown(request(`sid=${SID}`), form({ csrf: token }))).toBeNull();
  });
});
