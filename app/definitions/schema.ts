// The shape of the definitions folder (compliance contract §1), checked with zod before
// anything reaches the database. Cross-file rules (a reporter that is not an entity, a link to
// an unknown initiative…) are checked in validate.ts, which sees the whole set at once.
import { z } from "zod";
import { PERIOD_PATTERN } from "../figures/month";

export { PERIOD_PATTERN };

export const period = z
  .string({ error: "expected a month as YYYY-MM" })
  .regex(PERIOD_PATTERN, { error: "expected a month as YYYY-MM" });

const text = z
  .string({ error: "expected text" })
  .trim()
  .min(1, { error: "expected text that is not empty" });

export const bilingual = z.strictObject(
  { en: text, ar: text },
  { error: "expected { en: ..., ar: ... }" },
);

export const entityCode = z.string({ error: "expected an entity code" }).regex(/^[A-Z0-9_-]+$/, {
  error: "expected an entity code of upper case letters, digits, _ or -",
});

const strategyCode = z.string({ error: "expected a code" }).regex(/^[a-z0-9][a-z0-9-]*$/, {
  error: "expected a code of lower case letters, digits and -",
});

export const kpiCode = z.string({ error: "expected a KPI code" }).regex(/^[A-Z][A-Z0-9_]*$/, {
  error: "expected a KPI code of upper case letters, digits and _",
});

export const entitySchema = z.strictObject({
  code: entityCode,
  name: bilingual,
  parent: entityCode.optional(),
  // Entities invented to fill out the demo; the pages label them so nobody quotes them.
  sample: z.boolean({ error: "expected true or false" }).optional(),
});

export const entitiesFileSchema = z.strictObject({
  entities: z.array(entitySchema, { error: "expected a list of entities" }).min(1, {
    error: "expected at least one entity",
  }),
});

const namedItem = z.strictObject({ code: strategyCode, name: bilingual });

export const strategyFileSchema = z.strictObject({
  dimensions: z.array(namedItem, { error: "expected a list" }),
  pillars: z.array(namedItem, { error: "expected a list" }),
  initiatives: z.array(
    z.strictObject({
      code: strategyCode,
      name: bilingual,
      pillar: strategyCode,
      owner: entityCode.optional(),
    }),
    { error: "expected a list" },
  ),
  policies: z.array(
    z.strictObject({
      code: strategyCode,
      name: bilingual,
      reference: text.optional(),
    }),
    { error: "expected a list" },
  ),
});

export const UNITS = ["percent", "count", "number", "currency", "days", "yes-no"] as const;
export const DIRECTIONS = ["increase", "decrease"] as const;
export const MEASURES = ["ratio", "value"] as const;
export const AGGREGATIONS = ["ratio-of-sums", "sum", "mean", "min", "max"] as const;

const finite = z.number({ error: "expected a number" }).finite();

export const targetSchema = z.strictObject({
  value: finite,
  due: period,
  entities: z.array(entityCode, { error: "expected a list of entity codes" }).min(1).optional(),
  scope: z.literal("city", { error: 'expected "city"' }).optional(),
  from: z.strictObject({ period, value: finite }).optional(),
});

const codeList = (code: z.ZodString) => z.array(code, { error: "expected a list of codes" });

/** A name short enough for a column heading (the heatmap's): 24 characters at most. */
const shortText = text.max(24, { error: "expected at most 24 characters" });

export const kpiFileSchema = z.strictObject({
  code: kpiCode,
  name: bilingual,
  // Optional, added after the contract's first version: files without it stay valid.
  short: z.strictObject({ en: shortText, ar: shortText }, { error: "expected { en: ..., ar: ... }" }).optional(),
  description: bilingual.optional(),
  unit: z.enum(UNITS, { error: `expected one of ${UNITS.join(", ")}` }),
  direction: z.enum(DIRECTIONS, { error: `expected one of ${DIRECTIONS.join(", ")}` }),
  measure: z.enum(MEASURES, { error: `expected one of ${MEASURES.join(", ")}` }),
  numerator: bilingual.optional(),
  denominator: bilingual.optional(),
  aggregation: z.enum(AGGREGATIONS, { error: `expected one of ${AGGREGATIONS.join(", ")}` }),
  weight: z
    .number({ error: "expected a number" })
    .positive({ error: "expected a number above 0" })
    .default(1),
  reporters: z.union([z.literal("all"), codeList(entityCode).min(1)], {
    error: 'expected "all" or a list of entity codes',
  }),
  links: z
    .strictObject({
      policies: codeList(strategyCode).default([]),
      initiatives: codeList(strategyCode).default([]),
      pillars: codeList(strategyCode).default([]),
      dimensions: codeList(strategyCode).default([]),
    })
    .default({ policies: [], initiatives: [], pillars: [], dimensions: [] }),
  targets: z.array(targetSchema, { error: "expected a list of targets" }).default([]),
  bands: z
    .strictObject({
      "at-risk": z
        .number({ error: "expected a number" })
        .gt(0, { error: "expected a share above 0 and below 1" })
        .lt(1, { error: "expected a share above 0 and below 1" })
        .default(0.9),
    })
    .default({ "at-risk": 0.9 }),
});

export type EntityDefinition = z.infer<typeof entitySchema>;
export type StrategyDefinition = z.infer<typeof strategyFileSchema>;
export type KpiDefinition = z.infer<typeof kpiFileSchema>;
export type TargetDefinition = z.infer<typeof targetSchema>;
export type Unit = (typeof UNITS)[number];
export type Direction = (typeof DIRECTIONS)[number];
export type Measure = (typeof MEASURES)[number];
export type Aggregation = (typeof AGGREGATIONS)[number];

/** Everything in a definitions folder, parsed and cross-checked. */
export interface DefinitionSet {
  entities: EntityDefinition[];
  strategy: StrategyDefinition;
  /** Each KPI with the file it came from, relative to the folder. */
  kpis: Array<KpiDefinition & { file: string }>;
}
