import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import { ar, en } from "./messages";

describe("message catalogues", () => {
  it("have exactly the same ids in English and Arabic", () => {
    const enIds = Object.keys(en).sort();
    const arIds = Object.keys(ar).sort();
    expect(arIds.filter((id) => !enIds.includes(id))).toEqual([]);
    expect(enIds.filter((id) => !arIds.includes(id))).toEqual([]);
  });

  it("have no empty message in either language", () => {
    for (const [id, text] of [...Object.entries(en), ...Object.entries(ar)]) {
      expect(text.trim(), id).not.toBe("");
    }
  });

  it("use the same placeholders in both languages", () => {
    const placeholders = (text: string) =>
      [...text.matchAll(/\{(\w+)[,}]/g)].map((m) => m[1]).sort();
    for (const id of Object.keys(en) as Array<keyof typeof en>) {
      expect(new Set(placeholders(ar[id])), id).toEqual(new Set(placeholders(en[id])));
    }
  });

  it("parse as ICU messages", () => {
    for (const [locale, catalogue] of [
      ["en", en],
      ["ar", ar],
    ] as const) {
      for (const [id, text] of Object.entries(catalogue)) {
        expect(() => new IntlMessageFormat(text, locale), `${locale} ${id}`).not.toThrow();
      }
    }
  });

  it("write Arabic in Arabic", () => {
    const arabicLetters = /[\u0600-\u06FF]/;
    // Ids whose Arabic text is a name in another script on purpose.
    const exceptions = new Set(["lang.other", "value.none", "month.previous", "month.next", "overview.change"]);
    for (const [id, text] of Object.entries(ar)) {
      if (!exceptions.has(id)) expect(text, id).toMatch(arabicLetters);
    }
  });
});
