import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { eq } from "drizzle-orm";
import * as s from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../../tests/helpers/db";
import { validateDefinitions } from "../definitions/validate";
import { importFiguresCsv, type ImportResult } from "./figures.server";
import { syncDefinitions } from "./sync.server";

// A small definitions set with what the contract's CSV example needs (RTA, DM, SMART_ADOPTION
// as a percent ratio, SERVICES_ON_DUBAI_NOW as a count reported by DM), plus a yes-no KPI and
// a percent value KPI for the rules that only they have.

const ENTITIES = `entities:
  - { code: SDO, name: { en: Smart Dubai Office, ar: مكتب مدينة دبي الذكية } }
  - { code: RTA, name: { en: Roads and Transport Authority, ar: هيئة الطرق والمواصلات } }
  - { code: DM, name: { en: Dubai Municipality, ar: بلدية دبي } }
`;

const STRATEGY = `dimensions:
  - { code: smart-governance, name: { en: Smart governance, ar: الحوكمة الذكية } }
pillars:
  - { code: connected-services, name: { en: Connected services, ar: الخدمات المترابطة } }
initiatives:
  - { code: dubai-now, name: { en: Dubai Now app, ar: تطبيق دبي الآن }, pillar: connected-services, owner: SDO }
policies:
  - { code: smart-gov-80-2018, name: { en: 80% smart by 2018, ar: 80% ذكية بحلول 2018 } }
`;

const LINKS = `links: { policies: [smart-gov-80-2018], initiatives: [dubai-now], pillars: [connected-services], dimensions: [smart-governance] }`;

const KPI_FILES = [
  {
    file: "kpis/smart-adoption.yaml",
    text: `code: SMART_ADOPTION
name: { en: Transactions through e-/smart channels, ar: نسبة المعاملات الذكية }
unit: percent
direction: increase
measure: ratio
numerator: { en: Smart transactions, ar: المعاملات الذكية }
denominator: { en: All transactions, ar: إجمالي المعاملات }
aggregation: ratio-of-sums
reporters: all
${LINKS}
targets:
  - { value: 80, due: 2018-12 }
`,
  },
  {
    file: "kpis/services-on-dubai-now.yaml",
    text: `code: SERVICES_ON_DUBAI_NOW
name: { en: Services on Dubai Now, ar: الخدمات في دبي الآن }
unit: count
direction: increase
measure: value
aggregation: sum
reporters: [DM]
${LINKS}
targets:
  - { value: 10, due: 2018-12 }
`,
  },
  {
    file: "kpis/gin-connected.yaml",
    text: `code: GIN_CONNECTED
name: { en: Connected to the network, ar: الربط بالشبكة }
unit: yes-no
direction: increase
measure: value
aggregation: sum
reporters: all
${LINKS}
`,
  },
  {
    file: "kpis/satisfaction.yaml",
    text: `code: SATISFACTION
name: { en: Customer satisfaction, ar: رضا المتعاملين }
unit: percent
direction: increase
measure: value
aggregation: mean
reporters: all
${LINKS}
`,
  },
];

const HEADER = "entity,kpi,period,value,numerator,denominator,comment";
const COLUMNS = "expected entity,kpi,period,value,numerator,denominator,comment";
const NOW = new Date("2026-11-24T10:00:00Z");
const OPTIONS = { actor: "test:import", now: NOW, currentPeriod: "2026-11" };

function openSyncedDatabase(): TestDatabase {
  const test = createTestDatabase();
  const result = validateDefinitions({ entities: ENTITIES, strategy: STRATEGY, kpis: KPI_FILES });
  if (!result.ok)
    throw new Error(`test definitions do not validate: ${JSON.stringify(result.errors)}`);
  syncDefinitions(test.db, result.definitions, "2026-11-01T00:00:00.000Z");
  return test;
}

const csv = (...lines: string[]) => `${lines.join("\n")}\n`;

function counts(test: TestDatabase) {
  const count = (table: string) =>
    (test.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { figures: count("figures"), history: count("figure_history") };
}

function figure(test: TestDatabase, entity: string, kpi: string, period: string) {
  return test.db
    .select()
    .from(s.figures)
    .all()
    .find((f) => f.entityCode === entity && f.kpiCode === kpi && f.period === period);
}

function errorsOf(result: ImportResult) {
  if (result.ok) throw new Error(`expected the import to fail, but it imported ${result.imported}`);
  return result.errors.map(({ line, message }) => ({ line, message }));
}

describe("importFiguresCsv: good files", () => {
  let test: TestDatabase;
  beforeAll(() => {
    test = openSyncedDatabase();
  });
  afterAll(() => test.close());

  it("imports the contract's own two-line example", () => {
    const text = readFileSync(
      path.resolve(__dirname, "../../tests/fixtures/contract-example.csv"),
      "utf8",
    );
    expect(importFiguresCsv(test.db, text, OPTIONS)).toEqual({ ok: true, imported: 2 });

    const adoption = figure(test, "RTA", "SMART_ADOPTION", "2018-12");
    expect(adoption).toMatchObject({
      value: 93.1,
      numerator: 9310000,
      denominator: 10000000,
      comment: null,
      status: "approved",
      source: "import",
      version: 1,
      enteredBy: "test:import",
      enteredAt: "2026-11-24T10:00:00.000Z",
      updatedBy: "test:import",
      updatedAt: "2026-11-24T10:00:00.000Z",
    });
    expect(figure(test, "DM", "SERVICES_ON_DUBAI_NOW", "2018-12")).toMatchObject({
      value: 7,
      numerator: null,
      denominator: null,
      comment: "three more in January",
      status: "approved",
      source: "import",
    });
  });

  it("appends one history row per imported figure, with no old value", () => {
    const adoption = figure(test, "RTA", "SMART_ADOPTION", "2018-12")!;
    const history = test.db
      .select()
      .from(s.figureHistory)
      .where(eq(s.figureHistory.figureId, adoption.id))
      .all();
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      action: "import",
      oldValue: null,
      oldStatus: null,
      newValue: 93.1,
      newNumerator: 9310000,
      newDenominator: 10000000,
      newStatus: "approved",
      actor: "test:import",
      at: "2026-11-24T10:00:00.000Z",
    });
  });

  it("reads a file with a BOM and CRLF line ends", () => {
    const text = `\uFEFF${HEADER}\r\nRTA,SMART_ADOPTION,2018-01,,1,4,\r\nDM,SERVICES_ON_DUBAI_NOW,2018-01,3,,,\r\n`;
    expect(importFiguresCsv(test.db, text, OPTIONS)).toEqual({ ok: true, imported: 2 });
    expect(figure(test, "RTA", "SMART_ADOPTION", "2018-01")?.value).toBe(25);
    expect(figure(test, "DM", "SERVICES_ON_DUBAI_NOW", "2018-01")?.value).toBe(3);
  });

  it("reads quoted fields holding commas, quotes and line breaks", () => {
    const text = csv(
      HEADER,
      `"RTA","SMART_ADOPTION","2018-02","","1","2","late, as usual"`,
      `DM,SERVICES_ON_DUBAI_NOW,2018-02,4,,,"line one`,
      `line two, with ""quotes"""`,
    );
    expect(importFiguresCsv(test.db, text, OPTIONS)).toEqual({ ok: true, imported: 2 });
    expect(figure(test, "RTA", "SMART_ADOPTION", "2018-02")).toMatchObject({
      value: 50,
      comment: "late, as usual",
    });
    expect(figure(test, "DM", "SERVICES_ON_DUBAI_NOW", "2018-02")).toMatchObject({
      value: 4,
      comment: 'line one\nline two, with "quotes"',
    });
  });

  it("reads Arabic-Indic digits in periods, values, numerators and denominators", () => {
    const text = csv(
      HEADER,
      "RTA,SMART_ADOPTION,٢٠١٨-٠٣,,٩٣١٠٠٠٠,١٠٠٠٠٠٠٠,",
      "DM,SERVICES_ON_DUBAI_NOW,٢٠١٨-٠٣,١٢,,,",
      "DM,SATISFACTION,2018-03,٨٧٫٥,,,",
    );
    expect(importFiguresCsv(test.db, text, OPTIONS)).toEqual({ ok: true, imported: 3 });
    expect(figure(test, "RTA", "SMART_ADOPTION", "2018-03")).toMatchObject({
      value: 93.1,
      numerator: 9310000,
      denominator: 10000000,
    });
    expect(figure(test, "DM", "SERVICES_ON_DUBAI_NOW", "2018-03")?.value).toBe(12);
    expect(figure(test, "DM", "SATISFACTION", "2018-03")?.value).toBe(87.5);
  });

  it("reads every accepted yes-no word", () => {
    const text = csv(
      HEADER,
      "SDO,GIN_CONNECTED,2018-04,نعم,,,",
      "RTA,GIN_CONNECTED,2018-04,FALSE,,,",
      "DM,GIN_CONNECTED,2018-04,Yes,,,",
    );
    expect(importFiguresCsv(test.db, text, OPTIONS)).toEqual({ ok: true, imported: 3 });
    expect(
      ["SDO", "RTA", "DM"].map((e) => figure(test, e, "GIN_CONNECTED", "2018-04")?.value),
    ).toEqual([1, 0, 1]);
  });

  it("reads columns in another order and upper-case header names", () => {
    const text = csv(
      "KPI,Entity,Period,Denominator,Numerator,Value,Comment",
      "SMART_ADOPTION,RTA,2018-05,200,50,,",
    );
    expect(importFiguresCsv(test.db, text, OPTIONS)).toEqual({ ok: true, imported: 1 });
    expect(figure(test, "RTA", "SMART_ADOPTION", "2018-05")).toMatchObject({
      value: 25,
      numerator: 50,
      denominator: 200,
    });
  });

  it("skips empty lines", () => {
    const text = `${HEADER}\n\nRTA,SMART_ADOPTION,2018-06,,3,4,\n\n`;
    expect(importFiguresCsv(test.db, text, OPTIONS)).toEqual({ ok: true, imported: 1 });
  });
});

describe("importFiguresCsv: importing the same figure again", () => {
  let test: TestDatabase;
  beforeAll(() => {
    test = openSyncedDatabase();
  });
  afterAll(() => test.close());

  it("replaces the figure, bumps its version and keeps the old one in the history", () => {
    const first = importFiguresCsv(
      test.db,
      csv(HEADER, "RTA,SMART_ADOPTION,2018-12,,931,1000,first"),
      OPTIONS,
    );
    expect(first).toEqual({ ok: true, imported: 1 });
    const later = new Date("2026-11-25T08:30:00Z");
    const second = importFiguresCsv(
      test.db,
      csv(HEADER, "RTA,SMART_ADOPTION,2018-12,,950,1000,second"),
      {
        ...OPTIONS,
        actor: "test:reimport",
        now: later,
      },
    );
    expect(second).toEqual({ ok: true, imported: 1 });

    const rows = test.db.select().from(s.figures).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      value: 95,
      numerator: 950,
      denominator: 1000,
      comment: "second",
      version: 2,
      enteredBy: "test:import",
      enteredAt: "2026-11-24T10:00:00.000Z",
      updatedBy: "test:reimport",
      updatedAt: "2026-11-25T08:30:00.000Z",
    });

    const history = test.db
      .select()
      .from(s.figureHistory)
      .where(eq(s.figureHistory.figureId, rows[0].id))
      .orderBy(s.figureHistory.id)
      .all();
    expect(
      history.map((h) => [
        h.action,
        h.oldValue,
        h.oldNumerator,
        h.oldDenominator,
        h.newValue,
        h.newNumerator,
        h.newDenominator,
        h.actor,
      ]),
    ).toEqual([
      ["import", null, null, null, 93.1, 931, 1000, "test:import"],
      ["import", 93.1, 931, 1000, 95, 950, 1000, "test:reimport"],
    ]);
    expect(history.map((h) => [h.oldStatus, h.newStatus])).toEqual([
      [null, "approved"],
      ["approved", "approved"],
    ]);
  });
});

describe("importFiguresCsv: all or nothing", () => {
  let test: TestDatabase;
  beforeAll(() => {
    test = openSyncedDatabase();
    // Something already stored, so that "nothing written" is not just "the tables are empty".
    const seeded = importFiguresCsv(
      test.db,
      csv(HEADER, "RTA,SMART_ADOPTION,2017-01,,1,2,"),
      OPTIONS,
    );
    if (!seeded.ok) throw new Error(JSON.stringify(seeded.errors));
  });
  afterAll(() => test.close());

  it("writes nothing when one row among good ones is bad, and reports it with its line", () => {
    const before = counts(test);
    expect(before).toEqual({ figures: 1, history: 1 });
    const text = csv(
      HEADER,
      "RTA,SMART_ADOPTION,2018-12,,931,1000,",
      "DM,SERVICES_ON_DUBAI_NOW,2018-12,7,,,",
      "DM,SERVICES_ON_DUBAI_NOW,2018-11,seven,,,",
      "RTA,SMART_ADOPTION,2017-01,,3,4,replaces the stored one",
    );
    expect(errorsOf(importFiguresCsv(test.db, text, OPTIONS))).toEqual([
      { line: 4, message: 'value "seven" is not a number' },
    ]);
    expect(counts(test)).toEqual(before);
    expect(figure(test, "RTA", "SMART_ADOPTION", "2017-01")).toMatchObject({
      value: 50,
      version: 1,
    });
  });

  it("reports every bad row, in line order, with its problems", () => {
    const text = csv(
      HEADER,
      "ACME,SMART_ADOPTION,2018-12,,1,2,",
      "RTA,SMART_ADOPTION,2018-12,,931,1000,",
      "RTA,SERVICES_ON_DUBAI_NOW,2018-12,7,,,",
      "DM,SMART_ADOPTION,2018-13,,1,0,",
    );
    const result = importFiguresCsv(test.db, text, OPTIONS);
    expect(errorsOf(result)).toEqual([
      { line: 2, message: 'unknown entity "ACME"' },
      { line: 4, message: "entity RTA does not report SERVICES_ON_DUBAI_NOW" },
      { line: 5, message: 'period "2018-13" is not a month as YYYY-MM; denominator is 0' },
    ]);
    if (!result.ok) {
      expect(result.errors[2].problems.map((p) => p.code)).toEqual([
        "bad-period",
        "zero-denominator",
      ]);
    }
    expect(counts(test)).toEqual({ figures: 1, history: 1 });
  });

  it("counts the lines of a quoted multi-line comment before a bad row (LF)", () => {
    const text = csv(
      HEADER,
      `RTA,SMART_ADOPTION,2018-11,,931,1000,"first line`,
      `second line, with a comma"`,
      "DM,SERVICES_ON_DUBAI_NOW,2018-11,abc,,,",
      "RTA,SMART_ADOPTION,2018-10,,931,1000,",
      "ACME,SMART_ADOPTION,2018-10,,1,2,",
    );
    expect(errorsOf(importFiguresCsv(test.db, text, OPTIONS))).toEqual([
      { line: 4, message: 'value "abc" is not a number' },
      { line: 6, message: 'unknown entity "ACME"' },
    ]);
    expect(counts(test)).toEqual({ figures: 1, history: 1 });
  });

  it("counts the lines of a quoted multi-line comment before a bad row (CRLF)", () => {
    const text = [
      HEADER,
      `RTA,SMART_ADOPTION,2018-11,,931,1000,"first line`,
      `second line`,
      `third line"`,
      "DM,SERVICES_ON_DUBAI_NOW,2018-11,abc,,,",
      "",
    ].join("\r\n");
    expect(errorsOf(importFiguresCsv(test.db, text, OPTIONS))).toEqual([
      { line: 5, message: 'value "abc" is not a number' },
    ]);
  });

  it("names the first line of a key that appears twice in one file", () => {
    const text = csv(
      HEADER,
      "RTA,SMART_ADOPTION,2018-12,,931,1000,",
      "DM,SERVICES_ON_DUBAI_NOW,2018-12,7,,,",
      "RTA,SMART_ADOPTION,2018-12,,940,1000,",
    );
    expect(errorsOf(importFiguresCsv(test.db, text, OPTIONS))).toEqual([
      { line: 4, message: "duplicate of line 2: RTA, SMART_ADOPTION, 2018-12 appears twice" },
    ]);
    expect(counts(test)).toEqual({ figures: 1, history: 1 });
  });

  it("treats keys written with Arabic-Indic and ASCII digits as the same key", () => {
    const text = csv(
      HEADER,
      "RTA,SMART_ADOPTION,2018-12,,931,1000,",
      "RTA,SMART_ADOPTION,٢٠١٨-١٢,,٩٣١,١٠٠٠,",
    );
    expect(errorsOf(importFiguresCsv(test.db, text, OPTIONS))).toEqual([
      { line: 3, message: "duplicate of line 2: RTA, SMART_ADOPTION, 2018-12 appears twice" },
    ]);
  });
});

describe("importFiguresCsv: each kind of bad row", () => {
  let test: TestDatabase;
  beforeAll(() => {
    test = openSyncedDatabase();
    test.db.$client
      .prepare("INSERT INTO period_locks (period, locked_by, locked_at) VALUES (?, ?, ?)")
      .run("2017-06", "reviewer", "2017-07-10T00:00:00.000Z");
  });
  afterAll(() => test.close());

  // Each bad row follows a good one on line 2, so it is on line 3 and the good row is not written.
  const cases: Array<[string, string, string]> = [
    ["an unknown entity", "ACME,SMART_ADOPTION,2018-12,,1,2,", 'unknown entity "ACME"'],
    ["an unknown KPI", "RTA,NO_SUCH_KPI,2018-12,1,,,", 'unknown KPI "NO_SUCH_KPI"'],
    [
      "an entity that does not report the KPI",
      "RTA,SERVICES_ON_DUBAI_NOW,2018-12,7,,,",
      "entity RTA does not report SERVICES_ON_DUBAI_NOW",
    ],
    [
      "a malformed period",
      "RTA,SMART_ADOPTION,2018-1,,1,2,",
      'period "2018-1" is not a month as YYYY-MM',
    ],
    [
      "a month that does not exist",
      "RTA,SMART_ADOPTION,2018-13,,1,2,",
      'period "2018-13" is not a month as YYYY-MM',
    ],
    [
      "a future period",
      "RTA,SMART_ADOPTION,2026-12,,1,2,",
      "period 2026-12 is in the future (the current month is 2026-11)",
    ],
    ["a missing value", "DM,SERVICES_ON_DUBAI_NOW,2018-12,,,,", "value is missing"],
    ["a missing denominator", "RTA,SMART_ADOPTION,2018-12,,1,,", "denominator is missing"],
    [
      "a non-numeric value",
      "DM,SERVICES_ON_DUBAI_NOW,2018-12,seven,,,",
      'value "seven" is not a number',
    ],
    [
      "a number with an exponent",
      "DM,SERVICES_ON_DUBAI_NOW,2018-12,1e5,,,",
      'value "1e5" is not a number',
    ],
    ["a negative count", "DM,SERVICES_ON_DUBAI_NOW,2018-12,-7,,,", "value -7 is negative"],
    [
      "a fractional count",
      "DM,SERVICES_ON_DUBAI_NOW,2018-12,7.5,,,",
      "value 7.5 is not a whole number",
    ],
    [
      "a numerator above the denominator",
      "RTA,SMART_ADOPTION,2018-12,,1001,1000,",
      "numerator 1001 is greater than denominator 1000",
    ],
    ["a denominator of 0", "RTA,SMART_ADOPTION,2018-12,,0,0,", "denominator is 0"],
    ["a percent above 100", "DM,SATISFACTION,2018-12,101,,,", "percentage 101 is outside 0–100"],
    ["a percent below 0", "DM,SATISFACTION,2018-12,-1,,,", "percentage -1 is outside 0–100"],
    [
      "a yes-no other than the accepted words",
      "DM,GIN_CONNECTED,2018-12,maybe,,,",
      '"maybe" is not yes or no (use 1/0, yes/no, true/false or نعم/لا)',
    ],
    [
      "a value on a ratio KPI",
      "RTA,SMART_ADOPTION,2018-12,93.1,,,",
      "SMART_ADOPTION is a ratio KPI: give numerator and denominator, not value",
    ],
    [
      "a numerator on a value KPI",
      "DM,SERVICES_ON_DUBAI_NOW,2018-12,,7,10,",
      "SERVICES_ON_DUBAI_NOW takes a value, not numerator and denominator",
    ],
    ["a locked period", "RTA,SMART_ADOPTION,2017-06,,1,2,", "period 2017-06 is locked"],
    [
      "a comment that is too long",
      `RTA,SMART_ADOPTION,2018-12,,1,2,${"x".repeat(2001)}`,
      "comment is longer than 2000 characters",
    ],
  ];

  it.each(cases)("refuses %s, with its line and reason, writing nothing", (_kind, row, message) => {
    const text = csv(HEADER, "DM,SERVICES_ON_DUBAI_NOW,2018-10,5,,,", row);
    expect(errorsOf(importFiguresCsv(test.db, text, OPTIONS))).toEqual([{ line: 3, message }]);
    expect(counts(test)).toEqual({ figures: 0, history: 0 });
  });

  it("still refuses the locked period when other months are open", () => {
    const text = csv(
      HEADER,
      "RTA,SMART_ADOPTION,2017-05,,1,2,",
      "RTA,SMART_ADOPTION,2017-07,,1,2,",
    );
    expect(importFiguresCsv(test.db, text, OPTIONS)).toEqual({ ok: true, imported: 2 });
    expect(
      errorsOf(importFiguresCsv(test.db, csv(HEADER, "RTA,SMART_ADOPTION,2017-06,,1,2,"), OPTIONS)),
    ).toEqual([{ line: 2, message: "period 2017-06 is locked" }]);
  });
});

describe("importFiguresCsv: files that are not a figures CSV", () => {
  let test: TestDatabase;
  beforeAll(() => {
    test = openSyncedDatabase();
  });
  afterAll(() => test.close());

  const cases: Array<[string, string, Array<{ line: number; message: string }>]> = [
    ["an empty file", "", [{ line: 1, message: "the file is empty: expected a header line" }]],
    [
      "a file with only a BOM and blank lines",
      "\uFEFF\n\n",
      [{ line: 1, message: "the file is empty: expected a header line" }],
    ],
    [
      "a header without rows",
      `${HEADER}\n`,
      [{ line: 1, message: "the file has a header but no figures" }],
    ],
    [
      "an unknown column",
      csv(`${HEADER},colour`, "RTA,SMART_ADOPTION,2018-12,,1,2,,blue"),
      [{ line: 1, message: `unknown column "colour"; ${COLUMNS}` }],
    ],
    [
      "a missing column",
      csv("entity,kpi,value,numerator,denominator,comment", "RTA,SMART_ADOPTION,,1,2,"),
      [{ line: 1, message: `missing column period; ${COLUMNS}` }],
    ],
    [
      "a row with too few fields",
      csv(HEADER, "RTA,SMART_ADOPTION,2018-12,,1,2,", "DM,SERVICES_ON_DUBAI_NOW,2018-12,7,,"),
      [{ line: 3, message: "expected 7 fields, found 6" }],
    ],
    [
      "a row with too many fields",
      csv(HEADER, "DM,SERVICES_ON_DUBAI_NOW,2018-12,7,,,,extra"),
      [{ line: 2, message: "expected 7 fields, found 8" }],
    ],
    [
      "an unclosed quote",
      csv(
        HEADER,
        "RTA,SMART_ADOPTION,2018-12,,1,2,",
        'DM,SERVICES_ON_DUBAI_NOW,2018-12,7,,,"never closed',
      ),
      [{ line: 3, message: "the file is not readable CSV: Quote Not Closed" }],
    ],
  ];

  it.each(cases)("refuses %s", (_kind, text, expected) => {
    expect(errorsOf(importFiguresCsv(test.db, text, OPTIONS))).toEqual(expected);
    expect(counts(test)).toEqual({ figures: 0, history: 0 });
  });

  it("reports a wrong field count alongside the bad rows of the same file", () => {
    const text = csv(
      HEADER,
      "DM,SERVICES_ON_DUBAI_NOW,2018-12,7",
      "ACME,SMART_ADOPTION,2018-12,,1,2,",
    );
    expect(errorsOf(importFiguresCsv(test.db, text, OPTIONS))).toEqual([
      { line: 2, message: "expected 7 fields, found 4" },
      { line: 3, message: 'unknown entity "ACME"' },
    ]);
  });
});

describe("figure_history is append-only", () => {
  let test: TestDatabase;
  let historyId: number;
  beforeAll(() => {
    test = openSyncedDatabase();
    const result = importFiguresCsv(
      test.db,
      csv(HEADER, "RTA,SMART_ADOPTION,2018-12,,931,1000,"),
      OPTIONS,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    historyId = test.db.select().from(s.figureHistory).get()!.id;
  });
  afterAll(() => test.close());

  it("refuses an UPDATE", () => {
    expect(() =>
      test.db.$client
        .prepare("UPDATE figure_history SET new_value = 100 WHERE id = ?")
        .run(historyId),
    ).toThrow(/append-only/);
    expect(test.db.select().from(s.figureHistory).get()!.newValue).toBe(93.1);
  });

  it("refuses a DELETE", () => {
    expect(() =>
      test.db.$client.prepare("DELETE FROM figure_history WHERE id = ?").run(historyId),
    ).toThrow(/append-only/);
    expect(counts(test).history).toBe(1);
  });
});
