// Deterministic demo figures for every (reporting entity, KPI, month) of the definitions.
//
// The series are invented but tell the story of the Smart Dubai reports, so that the
// scorecards built on them show what the reports describe: RTA, DEWA and Dubai Police above
// 90% of transactions on e-/smart channels by mid-2016, the other entities around 60%, the
// city as a whole (a ratio of volumes, dominated by the big three) at about 80%, and most
// entities reaching the 80%-by-2018 target while a few stay behind.
//
// Pure on purpose: no clock, no Math.random, no I/O. Every random draw is a hash of
// (seed, what it is for, entity, month), so a figure does not depend on the order in which
// figures are produced, nor on the requested range: asking for 2016 alone gives the same
// 2016 figures as asking for 2014–2020.
import type { DefinitionSet, KpiDefinition } from "../app/definitions/schema";
import { PERIOD_PATTERN } from "../app/definitions/schema";
import type { FigureInput } from "../app/figures/input";
import { monthIndex, periodFromIndex, periodRange } from "../app/figures/month";

export const DEFAULT_SEED = 292015; // Law No. 29 of 2015
export const DEFAULT_FROM = "2014-01";
export const DEFAULT_TO = "2020-12";

export interface GenerateOptions {
  seed?: number;
  /** First month, YYYY-MM (default 2014-01). */
  from?: string;
  /** Last month, YYYY-MM (default 2020-12). */
  to?: string;
}

function assertPeriod(period: string): void {
  if (!PERIOD_PATTERN.test(period)) throw new Error(`expected a month as YYYY-MM, got "${period}"`);
}

// ---------------------------------------------------------------------------------------
// Seeded randomness

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, 32 bits: turns the keys of a draw into a PRNG seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A number in [0, 1) fixed by the seed and the keys. */
function draw(seed: number, ...keys: Array<string | number>): number {
  const next = mulberry32(hash(`${seed}|${keys.join("|")}`));
  next(); // the first output of a freshly seeded mulberry32 is the least mixed
  return next();
}

/** Uniform noise in [-amplitude, amplitude]. Bounded, so the facts hold for every seed. */
function jitter(seed: number, amplitude: number, ...keys: Array<string | number>): number {
  return (draw(seed, ...keys) * 2 - 1) * amplitude;
}

// ---------------------------------------------------------------------------------------
// Shapes over time

type Anchors = ReadonlyArray<readonly [period: string, value: number]>;

/** Piecewise linear through the anchors (in month order), flat before the first and after the last. */
export function interpolate(anchors: Anchors, period: string): number {
  const at = monthIndex(period);
  const first = anchors[0];
  if (at <= monthIndex(first[0])) return first[1];
  for (let i = 1; i < anchors.length; i++) {
    const [p1, v1] = anchors[i];
    const i1 = monthIndex(p1);
    if (at <= i1) {
      const [p0, v0] = anchors[i - 1];
      const i0 = monthIndex(p0);
      return v0 + ((v1 - v0) * (at - i0)) / (i1 - i0);
    }
  }
  return anchors[anchors.length - 1][1];
}

/** Same, but 0 before `launch`: counts of things that did not exist yet. */
function launched(anchors: Anchors, period: string): number {
  return period < anchors[0][0] ? 0 : Math.floor(interpolate(anchors, period));
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

// ---------------------------------------------------------------------------------------
// Entity profiles

interface EntityProfile {
  /** Government transactions a month in mid-2016. */
  volume: number;
  /** Share of transactions on e-/smart channels, %, at the ADOPTION_MONTHS. */
  adoption: readonly [number, number, number, number];
  /** First month the Happiness Meter is live on all the entity's channels. */
  meter: string;
  /** First month the entity is on the Government Information Network. */
  gin: string;
}

const ADOPTION_MONTHS = ["2014-01", "2016-06", "2018-12", "2020-12"] as const;

// Volumes: the big three handle millions of transactions a month and so carry the city-wide
// ratio to about 80% in mid-2016 even though the others sit near 60%. The Smart Dubai bodies
// themselves have few transactions. Adoption at 2018-12 is at least 81 for everyone but
// IACAD, DCAA and CDA, so the monthly noise (±0.8 points) cannot move anyone across 80%.
const PROFILES: Readonly<Record<string, EntityProfile>> = {
  // adoption: % at 2014-01, 2016-06, 2018-12 and 2020-12 (ADOPTION_MONTHS).
  SDO: { volume: 1_200, adoption: [50, 66, 88, 93], meter: "2015-09", gin: "2015-07" },
  SDG: { volume: 18_000, adoption: [55, 72, 90, 94], meter: "2015-01", gin: "2014-01" },
  DDE: { volume: 900, adoption: [40, 64, 86, 92], meter: "2016-09", gin: "2016-03" },
  DEG: { volume: 45_000, adoption: [52, 70, 88, 93], meter: "2015-03", gin: "2014-01" },
  GDRFA: { volume: 900_000, adoption: [42, 63, 84, 90], meter: "2015-06", gin: "2014-01" },
  RTA: { volume: 3_200_000, adoption: [80, 92.6, 94.2, 95.6], meter: "2015-02", gin: "2014-01" },
  DEWA: { volume: 2_100_000, adoption: [78, 93.4, 94.8, 96], meter: "2015-02", gin: "2014-01" },
  DP: { volume: 2_600_000, adoption: [74, 91.6, 93.6, 95.2], meter: "2015-04", gin: "2014-01" },
  DED: { volume: 620_000, adoption: [40, 61, 83, 89], meter: "2015-10", gin: "2014-01" },
  DM: { volume: 950_000, adoption: [38, 60, 82.5, 88], meter: "2016-02", gin: "2014-01" },
  DHA: { volume: 700_000, adoption: [35, 58, 81.5, 87], meter: "2016-05", gin: "2014-06" },
  KHDA: { volume: 90_000, adoption: [40, 62, 85, 90], meter: "2016-01", gin: "2014-09" },
  DLD: { volume: 240_000, adoption: [42, 64, 86, 91], meter: "2015-11", gin: "2014-01" },
  COURTS: { volume: 160_000, adoption: [30, 55, 81, 86], meter: "2016-10", gin: "2015-02" },
  CUSTOMS: { volume: 850_000, adoption: [45, 66, 87, 92], meter: "2015-08", gin: "2014-01" },
  DOF: { volume: 60_000, adoption: [40, 62, 84, 89], meter: "2016-03", gin: "2014-01" },
  // The three laggards, still below 80% at the 2018 deadline. Some are also late elsewhere
  // (Happiness Meter after June 2017 for IACAD and DCAA, the network after 2016 for CDA and
  // DCAA), so the scorecards have misses to flag besides the headline KPI.
  CDA: { volume: 45_000, adoption: [28, 52, 74, 82], meter: "2017-03", gin: "2017-04" },
  IACAD: { volume: 70_000, adoption: [25, 50, 71, 80], meter: "2017-09", gin: "2016-08" },
  DCAA: { volume: 25_000, adoption: [26, 51, 76, 84], meter: "2018-02", gin: "2017-09" },
  DTCM: { volume: 300_000, adoption: [38, 59, 83, 88], meter: "2016-06", gin: "2015-05" },
  DPP: { volume: 110_000, adoption: [32, 56, 81.5, 87], meter: "2016-11", gin: "2015-10" },
};

/** An entity added to the register after this table was written still gets plausible figures. */
function fallbackProfile(seed: number, entity: string): EntityProfile {
  const d = (what: string) => draw(seed, "profile", what, entity);
  const start = 30 + 15 * d("adoption");
  return {
    volume: Math.round(20_000 + 180_000 * d("volume")),
    adoption: [start, start + 22, start + 47, start + 53],
    meter: periodFromIndex(monthIndex("2015-01") + Math.floor(30 * d("meter"))),
    gin: periodFromIndex(monthIndex("2014-01") + Math.floor(36 * d("gin"))),
  };
}

function profileOf(seed: number, entity: string): EntityProfile {
  return PROFILES[entity] ?? fallbackProfile(seed, entity);
}

function adoptionAnchors(profile: EntityProfile): Anchors {
  return ADOPTION_MONTHS.map((month, i) => [month, profile.adoption[i]] as const);
}

/** 0 for an entity near 50% in mid-2016, 1 for one near 95%: drives the other KPIs' stories. */
function maturity(profile: EntityProfile): number {
  return clamp((profile.adoption[1] - 50) / 45, 0, 1);
}

// Mild seasonality: fewer transactions in the summer months when many residents travel,
// more at the year end (renewals, fiscal closing).
const SEASON = [1.03, 1.0, 1.04, 1.01, 1.0, 0.97, 0.9, 0.91, 1.0, 1.03, 1.03, 1.08] as const;

function transactions(
  seed: number,
  entity: string,
  profile: EntityProfile,
  period: string,
): number {
  const years = (monthIndex(period) - monthIndex("2016-06")) / 12;
  const growth = Math.pow(1.05, years);
  const season = SEASON[Number(period.slice(5, 7)) - 1];
  const noise = 1 + jitter(seed, 0.03, "volume", entity, period);
  return Math.max(1, Math.round(profile.volume * growth * season * noise));
}

// ---------------------------------------------------------------------------------------
// Series per KPI

interface Context {
  seed: number;
  entity: string;
  profile: EntityProfile;
  period: string;
  kpi: KpiDefinition;
}

type Figure = Pick<FigureInput, "value" | "numerator" | "denominator">;

function ratio(denominator: number, percent: number): Figure {
  const den = Math.max(1, Math.round(denominator));
  const num = clamp(Math.round((den * percent) / 100), 0, den);
  return { numerator: num, denominator: den };
}

function smartAdoptionShare({ seed, entity, profile, period }: Context): number {
  const share = interpolate(adoptionAnchors(profile), period);
  return clamp(share + jitter(seed, 0.8, "adoption", entity, period), 0, 99.5);
}

/** Payments are a fixed, entity-specific slice of its transactions. */
function payments(ctx: Context): number {
  const slice = 0.25 + 0.35 * draw(ctx.seed, "payments", ctx.entity);
  return Math.max(
    1,
    Math.round(transactions(ctx.seed, ctx.entity, ctx.profile, ctx.period) * slice),
  );
}

/** e-Payment trails channel adoption by a few points: some e-transactions are paid at a counter. */
function ePaymentShare(ctx: Context): number {
  const gap = 2 + 10 * draw(ctx.seed, "epay-gap", ctx.entity);
  const noise = jitter(ctx.seed, 1, "epay", ctx.entity, ctx.period);
  return clamp(interpolate(adoptionAnchors(ctx.profile), ctx.period) - gap + noise, 0.5, 99);
}

const SERIES: Readonly<Record<string, (ctx: Context) => Figure>> = {
  SMART_ADOPTION: (ctx) =>
    ratio(transactions(ctx.seed, ctx.entity, ctx.profile, ctx.period), smartAdoptionShare(ctx)),

  EPAYMENT_SHARE: (ctx) => ratio(payments(ctx), ePaymentShare(ctx)),

  // Mobile payment barely exists in 2014 and takes off after 2017; the more digital
  // entities lead. It is a part of e-payment, so never above it.
  MPAYMENT_SHARE: (ctx) => {
    const m = maturity(ctx.profile);
    const offset = jitter(ctx.seed, 2, "mpay-offset", ctx.entity);
    const curve: Anchors = [
      ["2014-01", 0.5 + 1.5 * m],
      ["2016-06", 4 + 5 * m + offset / 2],
      ["2018-12", 13 + 10 * m + offset],
      ["2020-12", 22 + 12 * m + offset],
    ];
    const share =
      interpolate(curve, ctx.period) + jitter(ctx.seed, 0.5, "mpay", ctx.entity, ctx.period);
    return ratio(payments(ctx), clamp(share, 0, ePaymentShare(ctx)));
  },

  // A small share of customers vote; happiness rises as services move online.
  HAPPINESS_SCORE: (ctx) => {
    const m = maturity(ctx.profile);
    const offset = jitter(ctx.seed, 2, "happy-offset", ctx.entity);
    const curve: Anchors = [
      ["2014-01", 72 + 8 * m],
      ["2016-06", 80 + 7 * m],
      ["2018-12", 86 + 5 * m],
      ["2020-12", 89 + 4 * m],
    ];
    const share =
      interpolate(curve, ctx.period) +
      offset +
      jitter(ctx.seed, 1.2, "happy", ctx.entity, ctx.period);
    const votes = Math.max(30, transactions(ctx.seed, ctx.entity, ctx.profile, ctx.period) * 0.012);
    return ratio(votes, clamp(share, 0, 99));
  },

  HAPPINESS_METER_DEPLOYED: (ctx) => ({ value: ctx.period >= ctx.profile.meter ? 1 : 0 }),

  GIN_CONNECTED: (ctx) => ({ value: ctx.period >= ctx.profile.gin ? 1 : 0 }),

  // City-wide counts kept by one reporter. Launch months and levels follow the reports:
  // Dubai Now with 22 entities and more than 50 services, My ID behind more than 640
  // services, GRP in more than 40 then more than 50 entities, the Smart Dubai Platform with
  // more than 8 entities at first.
  DUBAI_NOW_SERVICES: (ctx) => ({
    value: launched(
      [
        ["2015-10", 18],
        ["2016-12", 38],
        ["2017-12", 56],
        ["2018-12", 68],
        ["2020-12", 104],
      ],
      ctx.period,
    ),
  }),
  DUBAI_NOW_ENTITIES: (ctx) => ({
    value: launched(
      [
        ["2015-10", 6],
        ["2016-12", 14],
        ["2017-12", 22],
        ["2018-12", 26],
        ["2020-12", 32],
      ],
      ctx.period,
    ),
  }),
  SMART_DUBAI_PLATFORM_ENTITIES: (ctx) => ({
    value: launched(
      [
        ["2016-09", 3],
        ["2017-06", 8],
        ["2017-12", 9],
        ["2018-12", 14],
        ["2020-12", 24],
      ],
      ctx.period,
    ),
  }),
  // My ID and GRP were already running in 2014.
  MY_ID_SERVICES: (ctx) => ({
    value: Math.floor(
      interpolate(
        [
          ["2014-01", 150],
          ["2016-06", 420],
          ["2018-12", 655],
          ["2020-12", 820],
        ],
        ctx.period,
      ),
    ),
  }),
  GRP_ENTITIES: (ctx) => ({
    value: Math.floor(
      interpolate(
        [
          ["2014-01", 31],
          ["2016-12", 42],
          ["2019-12", 52],
          ["2020-12", 54],
        ],
        ctx.period,
      ),
    ),
  }),

  // Systems move to the cloud slowly, then fast once the private cloud is established.
  // No monthly noise: a system, once moved, stays moved, so the count never goes down.
  GOV_CLOUD_HOSTING: (ctx) => {
    const { seed, entity, profile, period } = ctx;
    const m = maturity(profile);
    const size = 0.8 + 0.4 * draw(seed, "systems", entity);
    const base = Math.round(8 + 12 * Math.log10(profile.volume / 1000 + 1) * size);
    const perYear = 1 + 2 * draw(seed, "systems-growth", entity);
    const years = Math.max(0, (monthIndex(period) - monthIndex("2014-01")) / 12);
    const systems = base + Math.floor(years * perYear);
    const offset = jitter(seed, 6, "cloud-offset", entity);
    const curve: Anchors = [
      ["2014-01", 2 + 4 * m],
      ["2017-01", Math.max(2 + 4 * m, 12 + 14 * m + offset / 2)],
      ["2019-12", 45 + 30 * m + offset],
      ["2020-12", 55 + 30 * m + offset],
    ];
    const share = clamp(interpolate(curve, period), 0, 100);
    return { numerator: Math.floor((systems * share) / 100), denominator: systems };
  },

  // From about 12 working days to 4–7; the big three get there first.
  SERVICE_REQUEST_DAYS: (ctx) => {
    const m = maturity(ctx.profile);
    const offset = jitter(ctx.seed, 0.8, "days-offset", ctx.entity);
    const curve: Anchors = [
      ["2014-01", 12.5 - 1.5 * m],
      ["2016-06", 9.5 - 2 * m],
      ["2018-12", 6.5 - 1.8 * m],
      ["2020-12", 5.5 - 1.5 * m],
    ];
    const days =
      interpolate(curve, ctx.period) +
      offset +
      jitter(ctx.seed, 0.4, "days", ctx.entity, ctx.period);
    return { value: Math.round(Math.max(1, days) * 10) / 10 };
  },

  // Each entity starts publishing some time after Dubai Data opens, then adds datasets
  // steadily; counts never go down.
  OPEN_DATASETS: (ctx) => {
    const { seed, entity, profile, period } = ctx;
    const start = periodFromIndex(
      monthIndex("2016-01") + Math.floor(18 * draw(seed, "data-start", entity)),
    );
    const by2019 = Math.round(5 + 10 * maturity(profile) + 10 * draw(seed, "data-2019", entity));
    return {
      value: launched(
        [
          [start, 1],
          ["2019-12", by2019],
          ["2020-12", by2019 * 1.25],
        ],
        period,
      ),
    };
  },
};

/** For a KPI added to the definitions after this file was written: a plausible shape by unit. */
function genericSeries(ctx: Context): Figure {
  const { seed, entity, profile, period, kpi } = ctx;
  const m = maturity(profile);
  const d = (what: string) => draw(seed, "generic", kpi.code, what, entity);
  if (kpi.measure === "ratio") {
    const curve: Anchors = [
      ["2014-01", 20 + 20 * m],
      ["2016-06", 40 + 25 * m],
      ["2018-12", 60 + 25 * m],
      ["2020-12", 70 + 20 * m],
    ];
    const share =
      interpolate(curve, period) + jitter(seed, 1.5, "generic", kpi.code, entity, period);
    const den = Math.max(
      10,
      transactions(seed, entity, profile, period) * (0.05 + 0.2 * d("slice")),
    );
    return ratio(den, clamp(share, 0, 100));
  }
  const progress = clamp((monthIndex(period) - monthIndex("2014-01")) / 84, 0, 1);
  switch (kpi.unit) {
    case "yes-no": {
      const from = periodFromIndex(monthIndex("2014-06") + Math.floor(48 * d("switch")));
      return { value: period >= from ? 1 : 0 };
    }
    case "count":
      return { value: Math.floor((5 + 45 * d("scale")) * progress) };
    case "days": {
      const days =
        12 - 7 * progress - 2 * m + jitter(seed, 0.4, "generic", kpi.code, entity, period);
      return { value: Math.round(Math.max(1, days) * 10) / 10 };
    }
    default: {
      const level = (50 + 950 * d("scale")) * (1 + progress);
      return {
        value: Math.round(level * (1 + jitter(seed, 0.05, "generic", kpi.code, entity, period))),
      };
    }
  }
}

// ---------------------------------------------------------------------------------------

/**
 * One figure per (entity reporting the KPI, KPI, month from `from` to `to`), in definition
 * order: KPI, then entity, then month. Ratio KPIs get integer numerator and denominator,
 * value KPIs a value. The same definitions and options always give the same output.
 */
export function generateDemoFigures(
  definitions: DefinitionSet,
  options: GenerateOptions = {},
): FigureInput[] {
  const seed = options.seed ?? DEFAULT_SEED;
  const from = options.from ?? DEFAULT_FROM;
  const to = options.to ?? DEFAULT_TO;
  assertPeriod(from);
  assertPeriod(to);
  const months = from <= to ? periodRange(from, to) : [];
  const allEntities = definitions.entities.map((e) => e.code);
  const figures: FigureInput[] = [];
  for (const kpi of definitions.kpis) {
    const series = SERIES[kpi.code] ?? genericSeries;
    const reporters = kpi.reporters === "all" ? allEntities : kpi.reporters;
    for (const entity of reporters) {
      const profile = profileOf(seed, entity);
      for (const period of months) {
        const figure = series({ seed, entity, profile, period, kpi });
        figures.push({ entity, kpi: kpi.code, period, ...figure });
      }
    }
  }
  return figures;
}
