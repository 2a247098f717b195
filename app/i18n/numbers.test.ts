import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import { FSI, isolateNumbers, LRI, misplacedNumbers, PDI, withoutIsolates } from "./bidi";
import { formatterFor, intlFor } from "./format";
import { ar, en, type MessageId } from "./messages";

const LRM = "\u200e";
const f = formatterFor(intlFor("ar"));

type Element = ReturnType<IntlMessageFormat["getAst"]>[number];

/** Each argument of a message and how it is used: placed as it is, counted (plural) or chosen by (select). */
function argumentsOf(source: string): Map<string, "placed" | "plural" | "select"> {
  const found = new Map<string, "placed" | "plural" | "select">();
  const visit = (elements: Element[]) => {
    for (const e of elements) {
      if (e.type === 1) found.set(e.value, found.get(e.value) ?? "placed");
      if (e.type === 6) found.set(e.value, "plural");
      if (e.type === 5) found.set(e.value, "select");
      if (e.type === 5 || e.type === 6) for (const option of Object.values(e.options)) visit(option.value);
    }
  };
  visit(new IntlMessageFormat(source, "ar").getAst());
  return found;
}

// What a page hands a message: numbers already formatted by the formatter (signs, percent signs,
// separators), raw numbers, and the values around them (a month, a date, a name).
const samples: Array<[string, string | number]> = [
  ["a positive change", f.signed(0.3)],
  ["a negative change", f.signed(-0.1)],
  ["zero", f.number(0)],
  ["a share", f.share(0.708)],
  ["a negative share", f.share(-0.125)],
  ["a large number", f.number(14358054)],
  ["a KPI value in days", f.value("days", 5.2)],
  ["a month", f.period("2018-12")],
  ["a date and time", f.dateTime("2019-01-23T00:59:00Z")],
  ["a raw number", 60],
  ["a raw negative number", -3],
];
const counts = [0, 1, 2, 5, 11, 100];

describe("numbers in Arabic messages", () => {
  const withArguments = (Object.keys(ar) as MessageId[]).filter((id) => argumentsOf(ar[id]).size > 0);

  it("covers every message with a placeholder or a plural", () => {
    // A floor, so that a broken filter cannot make the test below vacuous.
    expect(withArguments.length).toBeGreaterThan(200);
  });

  it("keep every number with its sign and percent sign in one isolate, with every sample", () => {
    const problems: string[] = [];
    for (const id of withArguments) {
      const args = argumentsOf(ar[id]);
      for (const [what, sample] of samples) {
        for (const count of counts) {
          const values: Record<string, string | number> = {};
          for (const [name, use] of args) values[name] = use === "plural" ? count : use === "select" ? "other" : sample;
          const text = f.t(id, values);
          for (const problem of misplacedNumbers(text)) problems.push(`${id} with ${what}, ${count}: ${problem}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("write no percent sign, plus or minus next to a placeholder: the value brings its own", () => {
    const signNextToPlaceholder = /[%\u066a+\u2212]\s?\{|\}\s?[%\u066a+\u2212]/;
    for (const catalogue of [en, ar]) {
      for (const [id, text] of Object.entries(catalogue)) expect(text, id).not.toMatch(signNextToPlaceholder);
    }
  });

  it("place a formatted number in an isolate that leads with its own mark", () => {
    expect(f.t("change.points", { value: f.signed(0.3) })).toBe(`${FSI}${LRM}+0.3${PDI} نقطة`);
    expect(f.t("change.points", { value: f.signed(-0.1) })).toBe(`${FSI}${LRM}-0.1${PDI} نقطة`);
    expect(f.t("forecast.reaches", { target: f.value("percent", 60), month: f.period("2019-06") })).toBe(
      `يبلغ ${FSI}60${LRM}%${LRM}${PDI} في ${FSI}يونيو 2019${PDI}`,
    );
  });

  it("isolate a plural's count and the digits a message writes itself", () => {
    expect(f.t("chart.multi.summary", { title: "س", count: 3, from: "أ", to: "ب" })).toContain(`${LRI}3${PDI} خطوط`);
    expect(f.t("problem.percent-out-of-range")).toBe(`يجب أن تكون النسبة المئوية بين ${LRI}0${PDI} و${LRI}100${PDI}.`);
  });

  it("leave English as it is: its sentences run the same way as its numbers", () => {
    const english = formatterFor(intlFor("en"));
    expect(english.t("change.points", { value: english.signed(0.3) })).toBe("+0.3 pts");
    expect(english.t("entity.scoreHelp", { cap: english.share(1.2) })).toBe(
      "Weighted average achievement, each KPI capped at 120%, a missing figure counted as zero.",
    );
  });
});

describe("the check for misplaced numbers", () => {
  // Each string is what the issue saw: it must fail the check, or the check proves nothing.
  it.each([
    ["a percent sign written before the number", "يبلغ %60 في"],
    ["a bare number in a sentence", "يبلغ 60 في"],
    ["a sign written after the number", `${LRI}0.3${PDI}+ نقطة`],
    ["a sign after the number inside the isolate", `${LRI}0.1-${PDI} نقطة`],
    ["a percent sign outside the number's isolate", `يبلغ ${FSI}60${PDI}% في`],
    ["a sign outside the number's isolate", `يبلغ +${FSI}60${PDI} في`],
  ])("finds %s", (_, text) => {
    expect(misplacedNumbers(text)).not.toEqual([]);
  });

  it.each([
    ["an isolated share", `يبلغ ${FSI}60${LRM}%${LRM}${PDI} في`],
    ["an isolated change", `${FSI}${LRM}-0.1${PDI} نقطة`],
    ["an isolated month", `في ${FSI}ديسمبر 2018${PDI}`],
    ["a hyphenated month code", `${LRI}2018-12${PDI}`],
  ])("accepts %s", (_, text) => {
    expect(misplacedNumbers(text)).toEqual([]);
  });

  it("isolates numbers in prose with their signs and percent signs, and leaves hyphens outside", () => {
    const text = "أن تبلغ كل جهة 80% بنهاية عام 2018، بتغيّر -0.5 عن COVID-19";
    const isolated = isolateNumbers(text);
    expect(withoutIsolates(isolated)).toBe(text);
    expect(isolated).toBe(
      `أن تبلغ كل جهة ${LRI}80%${PDI} بنهاية عام ${LRI}2018${PDI}، بتغيّر ${LRI}-0.5${PDI} عن COVID-${LRI}19${PDI}`,
    );
    expect(misplacedNumbers(isolated)).toEqual([]);
    // Already isolated text is left alone.
    expect(isolateNumbers(isolated)).toBe(isolated);
  });
});
