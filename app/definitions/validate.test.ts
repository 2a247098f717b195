import path from "node:path";
import { describe, it, expect } from "vitest";
import { stringify } from "yaml";
import { loadDefinitions } from "./load.server";
import { validateDefinitions, type DefinitionError, type DefinitionFiles } from "./validate";

// A small definitions set that passes every rule; each test below breaks one thing in it.

const ENTITIES = `entities:
  - code: SDO
    name: { en: Smart Dubai Office, ar: مكتب مدينة دبي الذكية }
  - code: RTA
    name: { en: Roads and Transport Authority, ar: هيئة الطرق والمواصلات }
    parent: SDO
  - code: DM
    name: { en: Dubai Municipality, ar: بلدية دبي }
    parent: SDO
`;

const STRATEGY = `dimensions:
  - { code: smart-governance, name: { en: Smart governance, ar: الحوكمة الذكية } }
pillars:
  - { code: connected-services, name: { en: Connected services, ar: الخدمات المترابطة } }
initiatives:
  - { code: dubai-now, name: { en: Dubai Now app, ar: تطبيق دبي الآن }, pillar: connected-services, owner: SDO }
policies:
  - { code: smart-gov-80-2018, name: { en: 80% smart by 2018, ar: 80% ذكية بحلول 2018 }, reference: "Smart Government target" }
`;

type KpiObject = Record<string, unknown>;

const LINKS = {
  policies: ["smart-gov-80-2018"],
  initiatives: ["dubai-now"],
  pillars: ["connected-services"],
  dimensions: ["smart-governance"],
};

/** A percent ratio KPI reported by everyone. */
function ratioKpi(overrides: KpiObject = {}): KpiObject {
  return {
    code: "SMART_ADOPTION",
    name: { en: "Transactions through e-/smart channels", ar: "نسبة المعاملات الذكية" },
    unit: "percent",
    direction: "increase",
    measure: "ratio",
    numerator: { en: "Smart transactions", ar: "المعاملات الذكية" },
    denominator: { en: "All transactions", ar: "إجمالي المعاملات" },
    aggregation: "ratio-of-sums",
    reporters: "all",
    links: LINKS,
    targets: [{ value: 80, due: "2018-12" }],
    ...overrides,
  };
}

/** A count value KPI reported by RTA and DM. */
function valueKpi(overrides: KpiObject = {}): KpiObject {
  return {
    code: "SERVICES_ON_DUBAI_NOW",
    name: { en: "Services on Dubai Now", ar: "الخدمات في دبي الآن" },
    unit: "count",
    direction: "increase",
    measure: "value",
    aggregation: "sum",
    reporters: ["RTA", "DM"],
    links: LINKS,
    targets: [{ value: 10, due: "2018-12" }],
    ...overrides,
  };
}

/** A yes-no KPI summed across entities. */
function yesNoKpi(overrides: KpiObject = {}): KpiObject {
  return {
    code: "GIN_CONNECTED",
    name: { en: "Connected to the network", ar: "الربط بالشبكة" },
    unit: "yes-no",
    direction: "increase",
    measure: "value",
    aggregation: "sum",
    reporters: "all",
    links: LINKS,
    targets: [{ value: 1, due: "2016-12" }],
    ...overrides,
  };
}

function without(kpi: KpiObject, field: string): KpiObject {
  const copy = { ...kpi };
  delete copy[field];
  return copy;
}

function kpiFile(file: string, kpi: KpiObject) {
  return { file, text: stringify(kpi) };
}

function files(overrides: Partial<DefinitionFiles> = {}): DefinitionFiles {
  return {
    entities: ENTITIES,
    strategy: STRATEGY,
    kpis: [
      kpiFile("kpis/smart-adoption.yaml", ratioKpi()),
      kpiFile("kpis/services.yaml", valueKpi()),
    ],
    ...overrides,
  };
}

/** The errors of a set that must fail; fails the test when it passes. */
function errorsOf(input: DefinitionFiles): DefinitionError[] {
  const result = validateDefinitions(input);
  if (result.ok) throw new Error("expected the definitions to fail validation, but they passed");
  return result.errors;
}

/** Validates the base set with one KPI file replaced. */
function errorsOfKpi(kpi: KpiObject, file = "kpis/k.yaml"): DefinitionError[] {
  return errorsOf(files({ kpis: [kpiFile(file, kpi)] }));
}

describe("validateDefinitions: a valid set", () => {
  it("accepts the base set and returns the parsed definitions", () => {
    const result = validateDefinitions(files());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.definitions.entities.map((e) => e.code)).toEqual(["SDO", "RTA", "DM"]);
    expect(result.definitions.strategy.initiatives[0]).toMatchObject({
      code: "dubai-now",
      pillar: "connected-services",
      owner: "SDO",
    });
    expect(result.definitions.kpis.map((k) => [k.code, k.file])).toEqual([
      ["SMART_ADOPTION", "kpis/smart-adoption.yaml"],
      ["SERVICES_ON_DUBAI_NOW", "kpis/services.yaml"],
    ]);
  });

  it("defaults weight to 1 and bands.at-risk to 0.9 when the file leaves them out", () => {
    const result = validateDefinitions(files());
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const kpi = result.definitions.kpis[0];
    expect(kpi.weight).toBe(1);
    expect(kpi.bands).toEqual({ "at-risk": 0.9 });
  });

  it("keeps a weight and an at-risk band that the file gives", () => {
    const result = validateDefinitions(
      files({ kpis: [kpiFile("kpis/k.yaml", ratioKpi({ weight: 3, bands: { "at-risk": 0.8 } }))] }),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.definitions.kpis[0].weight).toBe(3);
    expect(result.definitions.kpis[0].bands["at-risk"]).toBe(0.8);
  });

  it("defaults missing links and targets to empty lists", () => {
    const result = validateDefinitions(
      files({ kpis: [kpiFile("kpis/k.yaml", without(without(ratioKpi(), "links"), "targets"))] }),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.definitions.kpis[0].links).toEqual({
      policies: [],
      initiatives: [],
      pillars: [],
      dimensions: [],
    });
    expect(result.definitions.kpis[0].targets).toEqual([]);
  });
});

describe("validateDefinitions: missing files", () => {
  it("reports a missing entities.yaml", () => {
    expect(errorsOf(files({ entities: null }))).toEqual([
      { file: "entities.yaml", field: "", message: "expected this file to exist" },
    ]);
  });

  it("reports a missing strategy.yaml", () => {
    expect(errorsOf(files({ strategy: null }))).toEqual([
      { file: "strategy.yaml", field: "", message: "expected this file to exist" },
    ]);
  });

  it("reports a folder without KPI files", () => {
    expect(errorsOf(files({ kpis: [] }))).toEqual([
      { file: "kpis/", field: "", message: "expected at least one KPI file (*.yaml)" },
    ]);
  });
});

describe("validateDefinitions: invalid YAML", () => {
  it("names the file and the line of a YAML syntax error", () => {
    // The flow mapping opened on line 2 is never closed; the parser notices on line 3.
    const text = "code: SMART_ADOPTION\nname: { en: Adoption, ar: اعتماد\nunit: percent\n";
    expect(errorsOf(files({ kpis: [{ file: "kpis/broken.yaml", text }] }))).toEqual([
      {
        file: "kpis/broken.yaml",
        field: "",
        message: expect.stringMatching(/^expected valid YAML \(line 3\): Flow map/),
      },
    ]);
  });

  it("names entities.yaml and the first bad line when it is not YAML", () => {
    const errors = errorsOf(files({ entities: "entities:\n  - code: RTA\n   name: [unclosed\n" }));
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.map((e) => [e.file, e.field])).toEqual(errors.map(() => ["entities.yaml", ""]));
    expect(errors[0].message).toMatch(/^expected valid YAML \(line 3\): /);
  });

  it("loads nothing else from a set with one unparseable KPI file", () => {
    const result = validateDefinitions(
      files({
        kpis: [kpiFile("kpis/a.yaml", ratioKpi()), { file: "kpis/b.yaml", text: "code: [X\n" }],
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors.map((e) => e.file)).toEqual(result.errors.map(() => "kpis/b.yaml"));
  });
});

describe("validateDefinitions: entities.yaml", () => {
  const entities = (body: string) => errorsOf(files({ entities: `entities:\n${body}` }));

  it("refuses an entity code in lower case", () => {
    expect(
      entities(
        `  - { code: SDO, name: { en: Office, ar: مكتب } }\n  - { code: rta, name: { en: Roads, ar: طرق } }\n`,
      ),
    ).toEqual([
      {
        file: "entities.yaml",
        field: "entities[1].code",
        message: "expected an entity code of upper case letters, digits, _ or -",
      },
    ]);
  });

  it("refuses the same entity code twice", () => {
    expect(
      entities(
        `  - { code: SDO, name: { en: Office, ar: مكتب } }\n  - { code: RTA, name: { en: Roads, ar: طرق } }\n  - { code: DM, name: { en: Municipality, ar: بلدية } }\n  - { code: RTA, name: { en: Roads again, ar: طرق } }\n`,
      ),
    ).toEqual([
      {
        file: "entities.yaml",
        field: "entities[3].code",
        message: 'expected a unique entity code, but "RTA" appears twice',
      },
    ]);
  });

  it("refuses a parent that is not an entity", () => {
    expect(
      entities(
        `  - { code: SDO, name: { en: Office, ar: مكتب } }\n  - { code: RTA, name: { en: Roads, ar: طرق }, parent: XYZ }\n  - { code: DM, name: { en: Municipality, ar: بلدية } }\n`,
      ),
    ).toEqual([
      {
        file: "entities.yaml",
        field: "entities[1].parent",
        message: 'expected the code of another entity, got unknown "XYZ"',
      },
    ]);
  });

  it("refuses a parent cycle, on every entity in it", () => {
    const errors = entities(
      `  - { code: SDO, name: { en: Office, ar: مكتب }, parent: DM }\n  - { code: RTA, name: { en: Roads, ar: طرق }, parent: SDO }\n  - { code: DM, name: { en: Municipality, ar: بلدية }, parent: RTA }\n`,
    );
    expect(errors.map((e) => e.field)).toEqual([
      "entities[0].parent",
      "entities[1].parent",
      "entities[2].parent",
    ]);
    expect(errors[0]).toEqual({
      file: "entities.yaml",
      field: "entities[0].parent",
      message: 'expected a parent chain without a cycle, but "SDO" is its own ancestor',
    });
  });

  it("refuses an entity that is its own parent", () => {
    expect(
      entities(
        `  - { code: SDO, name: { en: Office, ar: مكتب }, parent: SDO }\n  - { code: RTA, name: { en: Roads, ar: طرق } }\n  - { code: DM, name: { en: Municipality, ar: بلدية } }\n`,
      ),
    ).toEqual([
      {
        file: "entities.yaml",
        field: "entities[0].parent",
        message: 'expected a parent chain without a cycle, but "SDO" is its own ancestor',
      },
    ]);
  });

  it("accepts a parent listed after its child", () => {
    const result = validateDefinitions(
      files({
        entities: `entities:\n  - { code: RTA, name: { en: Roads, ar: طرق }, parent: SDO }\n  - { code: SDO, name: { en: Office, ar: مكتب } }\n  - { code: DM, name: { en: Municipality, ar: بلدية } }\n`,
      }),
    );
    expect(result.ok).toBe(true);
  });

  it("reports a missing Arabic name at name.ar", () => {
    expect(
      entities(
        `  - { code: SDO, name: { en: Office, ar: مكتب } }\n  - { code: RTA, name: { en: Roads } }\n  - { code: DM, name: { en: Municipality, ar: بلدية } }\n`,
      ),
    ).toEqual([{ file: "entities.yaml", field: "entities[1].name.ar", message: "expected text" }]);
  });

  it("reports an empty English name as not empty text", () => {
    expect(
      entities(
        `  - { code: SDO, name: { en: "  ", ar: مكتب } }\n  - { code: RTA, name: { en: Roads, ar: طرق } }\n  - { code: DM, name: { en: Municipality, ar: بلدية } }\n`,
      ),
    ).toEqual([
      {
        file: "entities.yaml",
        field: "entities[0].name.en",
        message: "expected text that is not empty",
      },
    ]);
  });

  it("reports a field the contract does not know", () => {
    expect(
      entities(
        `  - { code: SDO, name: { en: Office, ar: مكتب }, colour: blue }\n  - { code: RTA, name: { en: Roads, ar: طرق } }\n  - { code: DM, name: { en: Municipality, ar: بلدية } }\n`,
      ),
    ).toEqual([
      { file: "entities.yaml", field: "entities[0]", message: 'unexpected field "colour"' },
    ]);
  });
});

describe("validateDefinitions: strategy.yaml", () => {
  it("refuses the same initiative code twice", () => {
    const strategy = STRATEGY.replace(
      "policies:",
      "  - { code: dubai-now, name: { en: Again, ar: مرة أخرى }, pillar: connected-services }\npolicies:",
    );
    expect(errorsOf(files({ strategy }))).toEqual([
      {
        file: "strategy.yaml",
        field: "initiatives[1].code",
        message: 'expected a unique code, but "dubai-now" appears twice',
      },
    ]);
  });

  it("refuses the same pillar code twice", () => {
    const strategy = STRATEGY.replace(
      "initiatives:",
      "  - { code: connected-services, name: { en: Again, ar: مرة أخرى } }\ninitiatives:",
    );
    expect(errorsOf(files({ strategy }))).toEqual([
      {
        file: "strategy.yaml",
        field: "pillars[1].code",
        message: 'expected a unique code, but "connected-services" appears twice',
      },
    ]);
  });

  it("refuses an initiative under an unknown pillar and with an unknown owner", () => {
    const strategy = STRATEGY.replace(
      "pillar: connected-services, owner: SDO",
      "pillar: shared-stuff, owner: ACME",
    );
    expect(errorsOf(files({ strategy }))).toEqual([
      {
        file: "strategy.yaml",
        field: "initiatives[0].pillar",
        message: 'expected one of the pillars (connected-services), got "shared-stuff"',
      },
      {
        file: "strategy.yaml",
        field: "initiatives[0].owner",
        message: 'expected an entity code from entities.yaml, got unknown "ACME"',
      },
    ]);
  });

  it("refuses a strategy code in upper case", () => {
    const strategy = STRATEGY.replace("code: smart-governance", "code: Smart-Governance");
    expect(errorsOf(files({ strategy }))).toEqual([
      {
        file: "strategy.yaml",
        field: "dimensions[0].code",
        message: "expected a code of lower case letters, digits and -",
      },
    ]);
  });

  it("reports a missing list of policies", () => {
    const strategy = STRATEGY.slice(0, STRATEGY.indexOf("policies:"));
    expect(errorsOf(files({ strategy }))).toEqual([
      { file: "strategy.yaml", field: "policies", message: "expected a list" },
    ]);
  });
});

describe("validateDefinitions: KPI fields", () => {
  it("lists the allowed units for an unknown unit", () => {
    expect(errorsOfKpi(ratioKpi({ unit: "percentage" }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "unit",
        message: "expected one of percent, count, number, currency, days, yes-no",
      },
    ]);
  });

  it("lists the allowed directions for an unknown direction", () => {
    expect(errorsOfKpi(ratioKpi({ direction: "up" }))).toEqual([
      { file: "kpis/k.yaml", field: "direction", message: "expected one of increase, decrease" },
    ]);
  });

  it("lists the allowed aggregations for an unknown aggregation", () => {
    expect(errorsOfKpi(ratioKpi({ aggregation: "average" }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "aggregation",
        message: "expected one of ratio-of-sums, sum, mean, min, max",
      },
    ]);
  });

  it("lists the allowed measures for an unknown measure", () => {
    expect(errorsOfKpi(ratioKpi({ measure: "fraction" }))).toEqual([
      { file: "kpis/k.yaml", field: "measure", message: "expected one of ratio, value" },
    ]);
  });

  it("refuses a KPI code in lower case", () => {
    expect(errorsOfKpi(ratioKpi({ code: "smart_adoption" }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "code",
        message: "expected a KPI code of upper case letters, digits and _",
      },
    ]);
  });

  it("reports a missing Arabic KPI name at name.ar", () => {
    expect(errorsOfKpi(ratioKpi({ name: { en: "Adoption" } }))).toEqual([
      { file: "kpis/k.yaml", field: "name.ar", message: "expected text" },
    ]);
  });

  it("reports an unexpected top-level field with an empty field path", () => {
    expect(errorsOfKpi(ratioKpi({ owner: "RTA" }))).toEqual([
      { file: "kpis/k.yaml", field: "", message: 'unexpected field "owner"' },
    ]);
  });

  it("reports an unexpected field inside a target", () => {
    expect(
      errorsOfKpi(ratioKpi({ targets: [{ value: 80, due: "2018-12", kind: "final" }] })),
    ).toEqual([{ file: "kpis/k.yaml", field: "targets[0]", message: 'unexpected field "kind"' }]);
  });

  it("refuses a weight of 0", () => {
    expect(errorsOfKpi(ratioKpi({ weight: 0 }))).toEqual([
      { file: "kpis/k.yaml", field: "weight", message: "expected a number above 0" },
    ]);
  });

  it("refuses an at-risk band of 1.5", () => {
    expect(errorsOfKpi(ratioKpi({ bands: { "at-risk": 1.5 } }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "bands.at-risk",
        message: "expected a share above 0 and below 1",
      },
    ]);
  });
});

describe("validateDefinitions: measure rules", () => {
  it("refuses a ratio KPI without a numerator", () => {
    expect(errorsOfKpi(without(ratioKpi(), "numerator"))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "numerator",
        message: "expected { en, ar } naming the numerator of a ratio KPI",
      },
    ]);
  });

  it("refuses a ratio KPI without a denominator", () => {
    expect(errorsOfKpi(without(ratioKpi(), "denominator"))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "denominator",
        message: "expected { en, ar } naming the denominator of a ratio KPI",
      },
    ]);
  });

  it("refuses a value KPI with a numerator", () => {
    expect(errorsOfKpi(valueKpi({ numerator: { en: "Services", ar: "خدمات" } }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "numerator",
        message: "expected no numerator on a value KPI (measure: value)",
      },
    ]);
  });

  it("refuses ratio-of-sums on a value KPI", () => {
    expect(errorsOfKpi(valueKpi({ aggregation: "ratio-of-sums" }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "aggregation",
        message:
          'expected sum, mean, min or max for a value KPI; "ratio-of-sums" needs measure: ratio',
      },
    ]);
  });

  it("refuses a yes-no KPI measured as a ratio", () => {
    const kpi = yesNoKpi({
      measure: "ratio",
      numerator: { en: "a", ar: "أ" },
      denominator: { en: "b", ar: "ب" },
      aggregation: "ratio-of-sums",
    });
    expect(errorsOfKpi(kpi)).toEqual([
      {
        file: "kpis/k.yaml",
        field: "measure",
        message: 'expected "value" for a yes-no KPI, got "ratio"',
      },
    ]);
  });
});

describe("validateDefinitions: reporters and links", () => {
  it("refuses a reporter that is not an entity", () => {
    expect(errorsOfKpi(valueKpi({ reporters: ["RTA", "DEWA"] }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "reporters[1]",
        message: 'expected an entity code from entities.yaml, got unknown "DEWA"',
      },
    ]);
  });

  it("refuses the same reporter twice", () => {
    expect(errorsOfKpi(valueKpi({ reporters: ["RTA", "DM", "RTA"] }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "reporters[2]",
        message: 'expected each reporter once, but "RTA" appears twice',
      },
    ]);
  });

  it("refuses reporters that are neither all nor a list", () => {
    expect(errorsOfKpi(valueKpi({ reporters: "everyone" }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "reporters",
        message: 'expected "all" or a list of entity codes',
      },
    ]);
  });

  it.each([
    ["policies", 'expected a code from the policies in strategy.yaml, got unknown "no-such-thing"'],
    [
      "initiatives",
      'expected a code from the initiatives in strategy.yaml, got unknown "no-such-thing"',
    ],
    ["pillars", 'expected a code from the pillars in strategy.yaml, got unknown "no-such-thing"'],
    [
      "dimensions",
      'expected a code from the dimensions in strategy.yaml, got unknown "no-such-thing"',
    ],
  ] as const)("refuses a link to an unknown item of %s", (kind, message) => {
    const links = { ...LINKS, [kind]: [...LINKS[kind], "no-such-thing"] };
    expect(errorsOfKpi(ratioKpi({ links }))).toEqual([
      { file: "kpis/k.yaml", field: `links.${kind}[1]`, message },
    ]);
  });

  it("names the first link when it is the unknown one", () => {
    const links = { ...LINKS, policies: ["smart-gov-90-2021"] };
    expect(errorsOfKpi(ratioKpi({ links }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "links.policies[0]",
        message:
          'expected a code from the policies in strategy.yaml, got unknown "smart-gov-90-2021"',
      },
    ]);
  });
});

describe("validateDefinitions: targets", () => {
  it("refuses a due month that is not YYYY-MM, naming the target", () => {
    const targets = [
      { value: 80, due: "2018-12" },
      { value: 90, due: "2019-13" },
    ];
    expect(errorsOfKpi(ratioKpi({ targets }))).toEqual([
      { file: "kpis/k.yaml", field: "targets[1].due", message: "expected a month as YYYY-MM" },
    ]);
  });

  it("refuses a due month written as a number", () => {
    expect(errorsOfKpi(ratioKpi({ targets: [{ value: 80, due: 201812 }] }))).toEqual([
      { file: "kpis/k.yaml", field: "targets[0].due", message: "expected a month as YYYY-MM" },
    ]);
  });

  it("refuses a target for an entity that does not report the KPI", () => {
    const targets = [{ value: 10, due: "2018-12", entities: ["DM", "SDO"] }];
    expect(errorsOfKpi(valueKpi({ targets }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "targets[0].entities[1]",
        message: 'expected an entity that reports this KPI, got "SDO"',
      },
    ]);
  });

  it("refuses a target for an entity that does not exist", () => {
    const targets = [{ value: 90, due: "2018-12", entities: ["DEWA"] }];
    expect(errorsOfKpi(ratioKpi({ targets }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "targets[0].entities[0]",
        message: 'expected an entity code from entities.yaml, got unknown "DEWA"',
      },
    ]);
  });

  it("refuses a target with both entities and scope", () => {
    const targets = [{ value: 90, due: "2018-12", entities: ["RTA"], scope: "city" }];
    expect(errorsOfKpi(ratioKpi({ targets }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "targets[0]",
        message: 'expected either "entities" or "scope: city", not both',
      },
    ]);
  });

  it("refuses a scope other than city", () => {
    const targets = [{ value: 90, due: "2018-12", scope: "entity" }];
    expect(errorsOfKpi(ratioKpi({ targets }))).toEqual([
      { file: "kpis/k.yaml", field: "targets[0].scope", message: 'expected "city"' },
    ]);
  });

  it("refuses a from.period equal to the due month", () => {
    const targets = [{ value: 80, due: "2018-12", from: { period: "2018-12", value: 60 } }];
    expect(errorsOfKpi(ratioKpi({ targets }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "targets[0].from.period",
        message: "expected a month before the due month 2018-12, got 2018-12",
      },
    ]);
  });

  it("refuses a from.period after the due month", () => {
    const targets = [{ value: 80, due: "2018-12", from: { period: "2019-01", value: 60 } }];
    expect(errorsOfKpi(ratioKpi({ targets }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "targets[0].from.period",
        message: "expected a month before the due month 2018-12, got 2019-01",
      },
    ]);
  });

  it("accepts a from.period one month before the due month", () => {
    const targets = [{ value: 80, due: "2018-12", from: { period: "2018-11", value: 60 } }];
    expect(
      validateDefinitions(files({ kpis: [kpiFile("kpis/k.yaml", ratioKpi({ targets }))] })).ok,
    ).toBe(true);
  });

  it("refuses a percent target above 100", () => {
    expect(errorsOfKpi(ratioKpi({ targets: [{ value: 101, due: "2018-12" }] }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "targets[0].value",
        message: "expected a percentage from 0 to 100, got 101",
      },
    ]);
  });

  it("refuses a percent from.value above 100", () => {
    const targets = [{ value: 80, due: "2018-12", from: { period: "2016-06", value: 120 } }];
    expect(errorsOfKpi(ratioKpi({ targets }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "targets[0].from.value",
        message: "expected a percentage from 0 to 100, got 120",
      },
    ]);
  });

  it("accepts a percent target of exactly 100", () => {
    expect(
      validateDefinitions(
        files({
          kpis: [kpiFile("kpis/k.yaml", ratioKpi({ targets: [{ value: 100, due: "2018-12" }] }))],
        }),
      ).ok,
    ).toBe(true);
  });

  it("refuses a negative count target", () => {
    expect(errorsOfKpi(valueKpi({ targets: [{ value: -1, due: "2018-12" }] }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "targets[0].value",
        message: "expected a number of 0 or more, got -1",
      },
    ]);
  });

  it("refuses a yes-no target of 2 for the entities", () => {
    expect(errorsOfKpi(yesNoKpi({ targets: [{ value: 2, due: "2017-12" }] }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "targets[0].value",
        message: "expected 1 (yes) or 0 (no) for a yes-no KPI, got 2",
      },
    ]);
  });

  it("accepts a yes-no city target of 2 when the KPI is summed (it counts entities)", () => {
    const targets = [
      { value: 1, due: "2016-12" },
      { value: 2, due: "2017-12", scope: "city" },
    ];
    const result = validateDefinitions(
      files({ kpis: [kpiFile("kpis/k.yaml", yesNoKpi({ targets }))] }),
    );
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(result.definitions.kpis[0].targets[1]).toEqual({
        value: 2,
        due: "2017-12",
        scope: "city",
      });
  });

  it("refuses a yes-no city target of 2 when the KPI is not summed", () => {
    const targets = [{ value: 2, due: "2017-12", scope: "city" }];
    expect(errorsOfKpi(yesNoKpi({ aggregation: "mean", targets }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "targets[0].value",
        message: "expected 1 (yes) or 0 (no) for a yes-no KPI, got 2",
      },
    ]);
  });

  it("refuses two general targets due the same month", () => {
    const targets = [
      { value: 80, due: "2018-12" },
      { value: 85, due: "2018-12" },
    ];
    expect(errorsOfKpi(ratioKpi({ targets }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "targets[1].due",
        message: "expected one target per month for the same entities, but 2018-12 appears twice",
      },
    ]);
  });

  it("refuses two targets for the same entities (in any order) due the same month", () => {
    const targets = [
      { value: 90, due: "2018-12", entities: ["RTA", "DM"] },
      { value: 95, due: "2018-12", entities: ["DM", "RTA"] },
    ];
    expect(errorsOfKpi(ratioKpi({ targets }))).toEqual([
      {
        file: "kpis/k.yaml",
        field: "targets[1].due",
        message: "expected one target per month for the same entities, but 2018-12 appears twice",
      },
    ]);
  });

  it("accepts a general, an entity and a city target due the same month", () => {
    const targets = [
      { value: 80, due: "2018-12" },
      { value: 90, due: "2018-12", entities: ["RTA"] },
      { value: 85, due: "2018-12", scope: "city" },
    ];
    expect(
      validateDefinitions(files({ kpis: [kpiFile("kpis/k.yaml", ratioKpi({ targets }))] })).ok,
    ).toBe(true);
  });
});

describe("validateDefinitions: the set as a whole", () => {
  it("refuses the same KPI code in two files, naming both", () => {
    const errors = errorsOf(
      files({
        kpis: [
          kpiFile("kpis/a.yaml", ratioKpi()),
          kpiFile("kpis/b.yaml", ratioKpi({ name: { en: "Copy", ar: "نسخة" } })),
        ],
      }),
    );
    expect(errors).toEqual([
      {
        file: "kpis/b.yaml",
        field: "code",
        message: 'expected a unique KPI code, but "SMART_ADOPTION" is also defined in kpis/a.yaml',
      },
    ]);
  });

  it("reports errors from several files at once, each with its file and field", () => {
    const errors = errorsOf(
      files({
        entities: ENTITIES.replace("code: DM", "code: dm"),
        strategy: STRATEGY.replace("owner: SDO", "owner: ACME"),
        kpis: [
          kpiFile("kpis/a.yaml", ratioKpi({ unit: "percentage" })),
          kpiFile(
            "kpis/b.yaml",
            valueKpi({
              targets: [
                { value: 10, due: "2018-12" },
                { value: 12, due: "2019-1" },
              ],
            }),
          ),
        ],
      }),
    );
    expect(errors.map((e) => [e.file, e.field])).toEqual([
      ["entities.yaml", "entities[2].code"],
      ["kpis/a.yaml", "unit"],
      ["kpis/b.yaml", "targets[1].due"],
    ]);
    // With entities.yaml broken, the unknown owner cannot be judged and is not reported.
    expect(errors.some((e) => e.file === "strategy.yaml")).toBe(false);
  });

  it("refuses the set when only one of many KPI files is bad", () => {
    const result = validateDefinitions(
      files({
        kpis: [
          kpiFile("kpis/a.yaml", ratioKpi()),
          kpiFile("kpis/b.yaml", valueKpi({ direction: "sideways" })),
        ],
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors).toEqual([
        { file: "kpis/b.yaml", field: "direction", message: "expected one of increase, decrease" },
      ]);
  });
});

describe("the real definitions folder", () => {
  const result = loadDefinitions(path.resolve(__dirname, "../../kpi-definitions"));
  const definitions = () => {
    if (!result.ok)
      throw new Error(result.errors.map((e) => `${e.file}: ${e.field}: ${e.message}`).join("\n"));
    return result.definitions;
  };

  it("passes validation", () => {
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it("has at least ten KPIs covering all four pillars", () => {
    const { kpis, strategy } = definitions();
    expect(kpis.length).toBeGreaterThanOrEqual(10);
    expect(strategy.pillars).toHaveLength(4);
    const linked = new Set(kpis.flatMap((k) => k.links.pillars));
    expect([...linked].sort()).toEqual(strategy.pillars.map((p) => p.code).sort());
  });

  it("has KPIs in percent, count and yes-no", () => {
    const units = new Set(definitions().kpis.map((k) => k.unit));
    expect(units.has("percent")).toBe(true);
    expect(units.has("count")).toBe(true);
    expect(units.has("yes-no")).toBe(true);
  });

  it("links every KPI to at least one pillar, dimension, initiative and policy", () => {
    const unlinked = definitions()
      .kpis.filter(
        (k) =>
          k.links.pillars.length === 0 ||
          k.links.dimensions.length === 0 ||
          k.links.initiatives.length === 0 ||
          k.links.policies.length === 0,
      )
      .map((k) => k.code);
    expect(unlinked).toEqual([]);
  });

  it("gives SMART_ADOPTION a general target of 80 due 2018-12 and RTA, DEWA and DP a target of 90", () => {
    const kpi = definitions().kpis.find((k) => k.code === "SMART_ADOPTION");
    expect(kpi).toBeDefined();
    const general = kpi!.targets.filter((t) => !t.entities && !t.scope);
    expect(general.map((t) => [t.value, t.due])).toEqual([[80, "2018-12"]]);
    const named = kpi!.targets.filter((t) => t.entities && t.value === 90);
    expect(named).toHaveLength(1);
    expect([...named[0].entities!].sort()).toEqual(["DEWA", "DP", "RTA"]);
  });
});
