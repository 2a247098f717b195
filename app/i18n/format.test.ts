import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import { isolateNumbers } from "./bidi";
import { formatterFor, intlFor } from "./format";
import { intlLocale, LOCALES } from "./locale";
import { catalogues, type MessageId } from "./messages";

describe("a formatter's messages", () => {
  for (const locale of LOCALES) {
    it(`gives every message without values as IntlMessageFormat does, plain text or not (${locale})`, () => {
      const { t } = formatterFor(intlFor(locale));
      const catalogue: Record<string, string> = catalogues[locale];
      const withoutValues = Object.keys(catalogue).filter((id) => !catalogue[id].includes("{"));
      expect(withoutValues.length).toBeGreaterThan(100);
      for (const id of withoutValues) {
        const expected = String(
          new IntlMessageFormat(catalogue[id], intlLocale(locale), undefined, { ignoreTag: true }).format(),
        );
        // In Arabic, the digits a message writes itself stand in an isolate (bidi.ts).
        expect(t(id as MessageId), id).toBe(locale === "ar" ? isolateNumbers(expected) : expected);
      }
    });
  }

  it("still reads ICU quoting and tags as text in a message without values", () => {
    const custom = { quoted: "It''s '{'literal'}'", tagged: "<b>bold</b> stays" };
    const intl = { ...intlFor("en"), messages: custom };
    const { t } = formatterFor(intl);
    expect(t("quoted" as MessageId)).toBe("It's {literal}");
    expect(t("tagged" as MessageId)).toBe("<b>bold</b> stays");
  });
});
