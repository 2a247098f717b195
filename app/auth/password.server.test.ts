import { describe, expect, it } from "vitest";
import { decoyHash, hashPassword, hashPasswordSync, verifyPassword } from "./password.server";

const FORMAT = /^scrypt\$32768\$8\$1\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

describe("hashPassword", () => {
  it("stores scrypt$32768$8$1$salt$hash with a 16-byte salt and a 32-byte key, base64url", async () => {
    const stored = await hashPassword("correct horse battery");
    const match = FORMAT.exec(stored);
    expect(match).not.toBeNull();
    expect(Buffer.from(match![1], "base64url")).toHaveLength(16);
    expect(Buffer.from(match![2], "base64url")).toHaveLength(32);
    expect(stored).not.toContain("correct horse battery");
  });

  it("salts every hash: two hashes of one password differ", async () => {
    const [a, b] = await Promise.all([hashPassword("same password"), hashPassword("same password")]);
    expect(a).not.toBe(b);
    expect(a.split("$")[4]).not.toBe(b.split("$")[4]);
    expect(await verifyPassword("same password", a)).toBe(true);
    expect(await verifyPassword("same password", b)).toBe(true);
  });
});

describe("verifyPassword", () => {
  it("is true for the password and false for any other", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batterY", stored)).toBe(false);
    expect(await verifyPassword("correct horse battery ", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("handles passwords in Arabic, with emoji and with a NUL byte", async () => {
    for (const password of ["كلمة مرور طويلة", "pass🔑word🔑", "before\u0000after"]) {
      const stored = await hashPassword(password);
      expect(await verifyPassword(password, stored)).toBe(true);
      expect(await verifyPassword(password.slice(0, -1), stored)).toBe(false);
    }
    // The NUL byte is part of the password, not its end.
    const stored = await hashPassword("before\u0000after");
    expect(await verifyPassword("before", stored)).toBe(false);
  });

  it("is false, without throwing, for stored hashes that are not well formed", async () => {
    const good = hashPasswordSync("correct horse battery");
    const [, , , , salt, hash] = good.split("$");
    const corrupt = [
      "",
      "garbage",
      "bcrypt$10$abc",
      "scrypt$32768$8$1$$",
      `scrypt$32768$8$1$${salt}$`,
      `scrypt$32768$8$1$$${hash}`,
      // Parameters scrypt refuses: not a number, not a power of two, far too much memory.
      `scrypt$abc$8$1$${salt}$${hash}`,
      `scrypt$3$8$1$${salt}$${hash}`,
      `scrypt$1048576$8$1$${salt}$${hash}`,
      `scrypt$32768$x$y$${salt}$${hash}`,
      // A hash part that decodes to no bytes at all.
      `scrypt$32768$8$1$${salt}$!!!`,
      `scrypt$32768$8$1$${salt}$@`,
      // Cut short.
      good.slice(0, -5),
    ];
    const wrong: Array<{ stored: string; result: string }> = [];
    for (const stored of corrupt) {
      try {
        const result = await verifyPassword("correct horse battery", stored);
        if (result !== false) wrong.push({ stored, result: String(result) });
      } catch (error) {
        wrong.push({ stored, result: `threw ${(error as Error).message}` });
      }
    }
    expect(wrong).toEqual([]);
  });

  it("never accepts a wrong password against a stored hash whose key part is empty", async () => {
    const salt = Buffer.alloc(16, 7).toString("base64url");
    expect(await verifyPassword("anything at all", `scrypt$32768$8$1$${salt}$!!!`)).toBe(false);
  });
});

describe("hashPasswordSync", () => {
  it("makes the same format, verified by verifyPassword", async () => {
    const stored = hashPasswordSync("demo-password");
    expect(stored).toMatch(FORMAT);
    expect(await verifyPassword("demo-password", stored)).toBe(true);
    expect(await verifyPassword("demo-passwore", stored)).toBe(false);
  });
});

describe("decoyHash", () => {
  it("is one well-formed hash, reused, that no empty password matches", async () => {
    const a = await decoyHash();
    const b = await decoyHash();
    expect(a).toBe(b);
    expect(a).toMatch(FORMAT);
    expect(await verifyPassword("", a)).toBe(false);
  });
});
