import { describe, expect, it } from "vitest";
import { decimalText, readCsvFigures, readJsonFigures } from "./api-input.server";
import { parseNumber } from "./rules";

describe("decimalText: a JSON number as the plain decimal the rules read", () => {
  const cases: Array<[number, string]> = [
    [12, "12"],
    [-3.5, "-3.5"],
    [1e-7, "0.0000001"],
    [2.5e-7, "0.00000025"],
    [1.2e21, "1200000000000000000000"],
    [-4.56e22, "-45600000000000000000000"],
    [0, "0"],
  ];
  for (const [n, text] of cases) {
    it(`${n} → ${text}, which parses back to ${n}`, () => {
      expect(decimalText(n)).toBe(text);
      expect(parseNumber(decimalText(n))).toBe(n);
    });
  }
  it("leaves Infinity for the rules to refuse", () => {
    expect(parseNumber(decimalText(JSON.parse("1e400") as number))).toBeNull();
  });
});

describe("figures read from a request", () => {
  it("numbers JSON figures from 1 and reports fields of the wrong type without reading them", () => {
    const read = readJsonFigures('{"figures":[{"entity":"RTA","kpi":"K","period":"2020-01","value":1},{"entity":["RTA"]}]}');
    expect(read.ok && read.rows.map((r) => r.line)).toEqual([1]);
    expect(read.ok && read.problems).toEqual([{ line: 2, field: "entity", code: "bad-field", message: "entity must be text, not a list" }]);
  });

  it("numbers CSV figures by data line, past blank lines and quoted line breaks", () => {
    const read = readCsvFigures('entity,kpi,period,value\n\nRTA,K,2020-01,"1\n"\nRTA,K,2020-02,2\n');
    if (!read.ok) throw new Error("unreadable");
    expect(read.rows.map((r) => [read.toLine(r.line), r.line])).toEqual([
      [1, 3],
      [2, 5],
    ]);
  });
});
