import { describe, expect, it } from "vitest";
import {
  addMonths,
  dueMoment,
  middleOf,
  minutesUntil,
  momentInDubai,
  monthsBetween,
  parsePeriod,
  periodOf,
  periodOfSpreadsheetDate,
  periodRange,
  viewBounds,
} from "./month";

describe("the month type", () => {
  it("places a moment in Dubai's month: 20:30 UTC on 30 November is already December in Dubai", () => {
    expect(periodOf(new Date("2026-11-30T19:59:59Z"))).toBe("2026-11");
    expect(periodOf(new Date("2026-11-30T20:00:00Z"))).toBe("2026-12");
    expect(periodOf(new Date("2018-12-31T20:00:00Z"))).toBe("2019-01");
  });

  it("makes a month's figures due at the end of the due day of the next month, Dubai time", () => {
    expect(dueMoment("2021-01", 10)).toBe("2021-02-10T19:59:59.999Z");
    expect(dueMoment("2018-12", 10)).toBe("2019-01-10T19:59:59.999Z");
    // A due day past the month's end is its last day: February 2020 had 29 days.
    expect(dueMoment("2020-01", 31)).toBe("2020-02-29T19:59:59.999Z");
    expect(dueMoment("2021-01", 31)).toBe("2021-02-28T19:59:59.999Z");
  });

  it("writes a moment of a Dubai day as UTC: 10:00 in Dubai is 06:00 UTC", () => {
    expect(momentInDubai("2026-11", 5, 10)).toBe("2026-11-05T06:00:00.000Z");
    expect(momentInDubai("2026-01", 1, 2)).toBe("2025-12-31T22:00:00.000Z");
  });

  it("counts the minutes left until a moment, negative once it has passed", () => {
    const due = dueMoment("2026-10", 10);
    expect(minutesUntil(due, new Date("2026-11-09T19:59:59.999Z"))).toBe(24 * 60);
    expect(minutesUntil(due, new Date("2026-11-11T19:59:59.999Z"))).toBe(-24 * 60);
  });

  it("adds and counts months across years", () => {
    expect(addMonths("2018-12", 1)).toBe("2019-01");
    expect(addMonths("2019-01", -13)).toBe("2017-12");
    expect(monthsBetween("2014-01", "2018-12")).toBe(59);
    expect(periodRange("2018-11", "2019-02")).toEqual(["2018-11", "2018-12", "2019-01", "2019-02"]);
  });

  it("names a month from its middle, so no time zone moves it", () => {
    expect(periodOf(middleOf("2018-12"))).toBe("2018-12");
    expect(middleOf("2018-12").getTime()).toBe(Date.parse("2018-12-15T08:00:00Z"));
  });

  it("reads a spreadsheet's date cell as the month it shows", () => {
    expect(periodOfSpreadsheetDate(new Date("2019-03-01T00:00:00Z"))).toBe("2019-03");
    expect(periodOfSpreadsheetDate(new Date("2019-03-31T23:00:00Z"))).toBe("2019-03");
  });

  it("accepts only YYYY-MM within the bounds", () => {
    const bounds = viewBounds(new Date("2026-11-30T10:00:00Z"));
    expect(bounds).toEqual({ earliest: "1980-01", latest: "2031-11" });
    expect(parsePeriod("2026-11", bounds)).toEqual({ ok: true, period: "2026-11" });
    expect(parsePeriod("2031-12", bounds)).toMatchObject({ ok: false, problem: "out-of-range" });
    expect(parsePeriod("2026-13", bounds)).toMatchObject({ ok: false, problem: "format" });
    expect(parsePeriod(["2026-11"], bounds)).toMatchObject({ ok: false, problem: "format" });
  });
});
