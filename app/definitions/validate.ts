// Parses and cross-checks the three kinds of definition file. Pure: it is handed file texts,
// so the same rules run in the command line, the loader and the tests without touching disk.
import { parseDocument } from "yaml";
import type { z } from "zod";
import {
  entitiesFileSchema,
  kpiFileSchema,
  strategyFileSchema,
  type DefinitionSet,
  type EntityDefinition,
  type KpiDefinition,
  type StrategyDefinition,
} from "./schema";

export interface DefinitionError {
  /** Path relative to the definitions folder, e.g. `kpis/smart-adoption.yaml`. */
  file: string;
  /** Dotted path to the field, e.g. `targets[1].due`; empty for the file as a whole. */
  field: string;
  message: string;
}

export interface DefinitionFiles {
  entities: string | null;
  strategy: string | null;
  /** KPI files by their path relative to the folder. */
  kpis: Array<{ file: string; text: string }>;
}

export type ValidationResult =
  { ok: true; definitions: DefinitionSet } | { ok: false; errors: DefinitionError[] };

export function formatFieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part, i) =>
      typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`,
    )
    .join("");
}

export function formatDefinitionError(e: DefinitionError): string {
  return e.field ? `${e.file}: ${e.field}: ${e.message}` : `${e.file}: ${e.message}`;
}

function parseYaml(file: string, text: string, errors: DefinitionError[]): unknown {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const line = err.linePos?.[0]?.line;
      errors.push({
        file,
        field: "",
        message: `expected valid YAML${line ? ` (line ${line})` : ""}: ${err.message
          .split("\n")[0]
          .replace(/ at line \d+, column \d+:?$/, "")}`,
      });
    }
    return undefined;
  }
  const data = doc.toJS();
  if (data === null || data === undefined) {
    errors.push({ file, field: "", message: "expected YAML content, but the file is empty" });
    return undefined;
  }
  return data;
}

function check<T extends z.ZodType>(
  schema: T,
  file: string,
  data: unknown,
  errors: DefinitionError[],
): z.infer<T> | undefined {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    let message = issue.message;
    if (issue.code === "unrecognized_keys") {
      message = `unexpected field ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    }
    errors.push({ file, field: formatFieldPath(issue.path), message });
  }
  return undefined;
}

function duplicates<T>(
  items: T[],
  key: (item: T) => string,
): Array<{ index: number; key: string }> {
  const seen = new Set<string>();
  const found: Array<{ index: number; key: string }> = [];
  items.forEach((item, index) => {
    const k = key(item);
    if (seen.has(k)) found.push({ index, key: k });
    seen.add(k);
  });
  return found;
}

const ENTITIES_FILE = "entities.yaml";
const STRATEGY_FILE = "strategy.yaml";

export function validateDefinitions(files: DefinitionFiles): ValidationResult {
  const errors: DefinitionError[] = [];

  let entities: EntityDefinition[] | undefined;
  if (files.entities === null) {
    errors.push({ file: ENTITIES_FILE, field: "", message: "expected this file to exist" });
  } else {
    const data = parseYaml(ENTITIES_FILE, files.entities, errors);
    if (data !== undefined)
      entities = check(entitiesFileSchema, ENTITIES_FILE, data, errors)?.entities;
  }

  let strategy: StrategyDefinition | undefined;
  if (files.strategy === null) {
    errors.push({ file: STRATEGY_FILE, field: "", message: "expected this file to exist" });
  } else {
    const data = parseYaml(STRATEGY_FILE, files.strategy, errors);
    if (data !== undefined) strategy = check(strategyFileSchema, STRATEGY_FILE, data, errors);
  }

  const kpis: Array<KpiDefinition & { file: string }> = [];
  for (const { file, text } of files.kpis) {
    const data = parseYaml(file, text, errors);
    if (data === undefined) continue;
    const kpi = check(kpiFileSchema, file, data, errors);
    if (kpi) kpis.push({ ...kpi, file });
  }

  const entityCodes = new Set((entities ?? []).map((e) => e.code));
  if (entities) checkEntities(entities, entityCodes, errors);
  if (strategy) checkStrategy(strategy, entityCodes, entities !== undefined, errors);
  for (const { index, key } of duplicates(kpis, (k) => k.code)) {
    const first = kpis.find((k) => k.code === key);
    errors.push({
      file: kpis[index].file,
      field: "code",
      message: `expected a unique KPI code, but "${key}" is also defined in ${first?.file}`,
    });
  }
  for (const kpi of kpis) checkKpi(kpi, entityCodes, entities !== undefined, strategy, errors);

  if (files.kpis.length === 0) {
    errors.push({ file: "kpis/", field: "", message: "expected at least one KPI file (*.yaml)" });
  }

  if (errors.length > 0 || !entities || !strategy) return { ok: false, errors };
  return { ok: true, definitions: { entities, strategy, kpis } };
}

function checkEntities(
  entities: EntityDefinition[],
  codes: Set<string>,
  errors: DefinitionError[],
) {
  for (const { index, key } of duplicates(entities, (e) => e.code)) {
    errors.push({
      file: ENTITIES_FILE,
      field: `entities[${index}].code`,
      message: `expected a unique entity code, but "${key}" appears twice`,
    });
  }
  const parentOf = new Map(entities.map((e) => [e.code, e.parent]));
  entities.forEach((entity, index) => {
    if (entity.parent === undefined) return;
    if (!codes.has(entity.parent)) {
      errors.push({
        file: ENTITIES_FILE,
        field: `entities[${index}].parent`,
        message: `expected the code of another entity, got unknown "${entity.parent}"`,
      });
      return;
    }
    // Walk up the parents: a cycle would make every roll-up by parent loop forever.
    const seen = new Set([entity.code]);
    let current: string | undefined = entity.parent;
    while (current !== undefined) {
      if (seen.has(current)) {
        errors.push({
          file: ENTITIES_FILE,
          field: `entities[${index}].parent`,
          message: `expected a parent chain without a cycle, but "${entity.code}" is its own ancestor`,
        });
        return;
      }
      seen.add(current);
      current = parentOf.get(current);
    }
  });
}

function checkStrategy(
  strategy: StrategyDefinition,
  entityCodes: Set<string>,
  entitiesKnown: boolean,
  errors: DefinitionError[],
) {
  for (const kind of ["dimensions", "pillars", "initiatives", "policies"] as const) {
    const items: Array<{ code: string }> = strategy[kind];
    for (const { index, key } of duplicates(items, (i) => i.code)) {
      errors.push({
        file: STRATEGY_FILE,
        field: `${kind}[${index}].code`,
        message: `expected a unique code, but "${key}" appears twice`,
      });
    }
  }
  const pillars = new Set(strategy.pillars.map((p) => p.code));
  strategy.initiatives.forEach((initiative, index) => {
    if (!pillars.has(initiative.pillar)) {
      errors.push({
        file: STRATEGY_FILE,
        field: `initiatives[${index}].pillar`,
        message: `expected one of the pillars (${[...pillars].join(", ")}), got "${initiative.pillar}"`,
      });
    }
    if (entitiesKnown && initiative.owner !== undefined && !entityCodes.has(initiative.owner)) {
      errors.push({
        file: STRATEGY_FILE,
        field: `initiatives[${index}].owner`,
        message: `expected an entity code from entities.yaml, got unknown "${initiative.owner}"`,
      });
    }
  });
}

function checkKpi(
  kpi: KpiDefinition & { file: string },
  entityCodes: Set<string>,
  entitiesKnown: boolean,
  strategy: StrategyDefinition | undefined,
  errors: DefinitionError[],
) {
  const fail = (field: string, message: string) => errors.push({ file: kpi.file, field, message });

  if (kpi.measure === "ratio") {
    if (!kpi.numerator)
      fail("numerator", "expected { en, ar } naming the numerator of a ratio KPI");
    if (!kpi.denominator)
      fail("denominator", "expected { en, ar } naming the denominator of a ratio KPI");
    if (kpi.unit === "yes-no") fail("measure", 'expected "value" for a yes-no KPI, got "ratio"');
  } else {
    if (kpi.numerator) fail("numerator", "expected no numerator on a value KPI (measure: value)");
    if (kpi.denominator)
      fail("denominator", "expected no denominator on a value KPI (measure: value)");
    if (kpi.aggregation === "ratio-of-sums") {
      fail(
        "aggregation",
        'expected sum, mean, min or max for a value KPI; "ratio-of-sums" needs measure: ratio',
      );
    }
  }

  const reporters = kpi.reporters === "all" ? null : new Set(kpi.reporters);
  if (Array.isArray(kpi.reporters) && entitiesKnown) {
    kpi.reporters.forEach((code, i) => {
      if (!entityCodes.has(code))
        fail(
          `reporters[${i}]`,
          `expected an entity code from entities.yaml, got unknown "${code}"`,
        );
    });
  }
  if (Array.isArray(kpi.reporters)) {
    for (const { index, key } of duplicates(kpi.reporters, (c) => c)) {
      fail(`reporters[${index}]`, `expected each reporter once, but "${key}" appears twice`);
    }
  }

  if (strategy) {
    const known = {
      policies: new Set(strategy.policies.map((p) => p.code)),
      initiatives: new Set(strategy.initiatives.map((p) => p.code)),
      pillars: new Set(strategy.pillars.map((p) => p.code)),
      dimensions: new Set(strategy.dimensions.map((p) => p.code)),
    };
    for (const kind of ["policies", "initiatives", "pillars", "dimensions"] as const) {
      kpi.links[kind].forEach((code, i) => {
        if (!known[kind].has(code)) {
          fail(
            `links.${kind}[${i}]`,
            `expected a code from the ${kind} in strategy.yaml, got unknown "${code}"`,
          );
        }
      });
    }
  }

  const coverage = new Set<string>();
  kpi.targets.forEach((target, i) => {
    const at = `targets[${i}]`;
    if (target.entities && target.scope)
      fail(at, 'expected either "entities" or "scope: city", not both');
    target.entities?.forEach((code, j) => {
      if (entitiesKnown && !entityCodes.has(code)) {
        fail(
          `${at}.entities[${j}]`,
          `expected an entity code from entities.yaml, got unknown "${code}"`,
        );
      } else if (reporters && !reporters.has(code)) {
        fail(`${at}.entities[${j}]`, `expected an entity that reports this KPI, got "${code}"`);
      }
    });
    if (target.from && target.from.period >= target.due) {
      fail(
        `${at}.from.period`,
        `expected a month before the due month ${target.due}, got ${target.from.period}`,
      );
    }
    for (const [field, value] of [
      ["value", target.value],
      ["from.value", target.from?.value],
    ] as const) {
      if (value === undefined) continue;
      if (kpi.unit === "percent" && (value < 0 || value > 100))
        fail(`${at}.${field}`, `expected a percentage from 0 to 100, got ${value}`);
      // A yes-no KPI summed across entities counts them, so only its city target may exceed 1.
      const countsEntities = target.scope === "city" && kpi.aggregation === "sum";
      if (kpi.unit === "yes-no" && !countsEntities && value !== 0 && value !== 1) {
        fail(`${at}.${field}`, `expected 1 (yes) or 0 (no) for a yes-no KPI, got ${value}`);
      }
      if (value < 0 && kpi.unit !== "number")
        fail(`${at}.${field}`, `expected a number of 0 or more, got ${value}`);
    }
    // Two targets for the same rows due the same month leave the target in force ambiguous.
    const who = target.scope
      ? "city"
      : target.entities
        ? [...target.entities].sort().join(",")
        : "all";
    const key = `${who}@${target.due}`;
    if (coverage.has(key))
      fail(
        `${at}.due`,
        `expected one target per month for the same entities, but ${target.due} appears twice`,
      );
    coverage.add(key);
  });
}
