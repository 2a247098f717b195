// The database behind the dashboard. Definitions (entities, strategy, KPIs) are loaded from
// kpi-definitions/ by `kpi sync`; nothing is ever deleted from them, only retired, so the
// figures and history that point at a retired KPI or entity stay readable.
import { sql } from "drizzle-orm";
import {
  blob,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
  check,
  type AnySQLiteColumn,
} from "drizzle-orm/sqlite-core";

const retiredAt = () => text("retired_at");
const syncedAt = () => text("synced_at").notNull();

export const entities = sqliteTable("entities", {
  code: text("code").primaryKey(),
  nameEn: text("name_en").notNull(),
  nameAr: text("name_ar").notNull(),
  parentCode: text("parent_code").references((): AnySQLiteColumn => entities.code),
  sample: integer("sample", { mode: "boolean" }).notNull().default(false),
  position: integer("position").notNull(),
  retiredAt: retiredAt(),
  syncedAt: syncedAt(),
});

export const dimensions = sqliteTable("dimensions", {
  code: text("code").primaryKey(),
  nameEn: text("name_en").notNull(),
  nameAr: text("name_ar").notNull(),
  position: integer("position").notNull(),
  retiredAt: retiredAt(),
  syncedAt: syncedAt(),
});

export const pillars = sqliteTable("pillars", {
  code: text("code").primaryKey(),
  nameEn: text("name_en").notNull(),
  nameAr: text("name_ar").notNull(),
  position: integer("position").notNull(),
  retiredAt: retiredAt(),
  syncedAt: syncedAt(),
});

export const initiatives = sqliteTable("initiatives", {
  code: text("code").primaryKey(),
  nameEn: text("name_en").notNull(),
  nameAr: text("name_ar").notNull(),
  pillarCode: text("pillar_code")
    .notNull()
    .references(() => pillars.code),
  ownerCode: text("owner_code").references(() => entities.code),
  position: integer("position").notNull(),
  retiredAt: retiredAt(),
  syncedAt: syncedAt(),
});

export const policies = sqliteTable("policies", {
  code: text("code").primaryKey(),
  nameEn: text("name_en").notNull(),
  nameAr: text("name_ar").notNull(),
  reference: text("reference"),
  position: integer("position").notNull(),
  retiredAt: retiredAt(),
  syncedAt: syncedAt(),
});

export const kpis = sqliteTable("kpis", {
  code: text("code").primaryKey(),
  nameEn: text("name_en").notNull(),
  nameAr: text("name_ar").notNull(),
  /** A column heading's name (the heatmap), when the definition gives one. */
  shortEn: text("short_en"),
  shortAr: text("short_ar"),
  descriptionEn: text("description_en"),
  descriptionAr: text("description_ar"),
  unit: text("unit", {
    enum: ["percent", "count", "number", "currency", "days", "yes-no"],
  }).notNull(),
  direction: text("direction", { enum: ["increase", "decrease"] }).notNull(),
  measure: text("measure", { enum: ["ratio", "value"] }).notNull(),
  numeratorEn: text("numerator_en"),
  numeratorAr: text("numerator_ar"),
  denominatorEn: text("denominator_en"),
  denominatorAr: text("denominator_ar"),
  aggregation: text("aggregation", {
    enum: ["ratio-of-sums", "sum", "mean", "min", "max"],
  }).notNull(),
  weight: real("weight").notNull().default(1),
  /** `reporters: all`; otherwise the list is in kpi_reporters. */
  reportersAll: integer("reporters_all", { mode: "boolean" }).notNull(),
  atRiskBand: real("at_risk_band").notNull().default(0.9),
  /** The file it was loaded from, relative to the definitions folder. */
  sourceFile: text("source_file").notNull(),
  /** Hash of the parsed definition: lets `kpi sync` tell changed from unchanged. */
  definitionHash: text("definition_hash").notNull(),
  position: integer("position").notNull(),
  retiredAt: retiredAt(),
  syncedAt: syncedAt(),
});

export const kpiReporters = sqliteTable(
  "kpi_reporters",
  {
    kpiCode: text("kpi_code")
      .notNull()
      .references(() => kpis.code, { onDelete: "cascade" }),
    entityCode: text("entity_code")
      .notNull()
      .references(() => entities.code),
  },
  (t) => [primaryKey({ columns: [t.kpiCode, t.entityCode] })],
);

export const kpiPolicies = sqliteTable(
  "kpi_policies",
  {
    kpiCode: text("kpi_code")
      .notNull()
      .references(() => kpis.code, { onDelete: "cascade" }),
    policyCode: text("policy_code")
      .notNull()
      .references(() => policies.code),
  },
  (t) => [primaryKey({ columns: [t.kpiCode, t.policyCode] })],
);

export const kpiInitiatives = sqliteTable(
  "kpi_initiatives",
  {
    kpiCode: text("kpi_code")
      .notNull()
      .references(() => kpis.code, { onDelete: "cascade" }),
    initiativeCode: text("initiative_code")
      .notNull()
      .references(() => initiatives.code),
  },
  (t) => [primaryKey({ columns: [t.kpiCode, t.initiativeCode] })],
);

export const kpiPillars = sqliteTable(
  "kpi_pillars",
  {
    kpiCode: text("kpi_code")
      .notNull()
      .references(() => kpis.code, { onDelete: "cascade" }),
    pillarCode: text("pillar_code")
      .notNull()
      .references(() => pillars.code),
  },
  (t) => [primaryKey({ columns: [t.kpiCode, t.pillarCode] })],
);

export const kpiDimensions = sqliteTable(
  "kpi_dimensions",
  {
    kpiCode: text("kpi_code")
      .notNull()
      .references(() => kpis.code, { onDelete: "cascade" }),
    dimensionCode: text("dimension_code")
      .notNull()
      .references(() => dimensions.code),
  },
  (t) => [primaryKey({ columns: [t.kpiCode, t.dimensionCode] })],
);

export const kpiTargets = sqliteTable(
  "kpi_targets",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kpiCode: text("kpi_code")
      .notNull()
      .references(() => kpis.code, { onDelete: "cascade" }),
    /** Order in the KPI file, so pages list targets as their authors wrote them. */
    position: integer("position").notNull(),
    value: real("value").notNull(),
    due: text("due").notNull(),
    /** `general` covers every reporter and the city row; `entities` only those named. */
    scope: text("scope", { enum: ["general", "entities", "city"] }).notNull(),
    fromPeriod: text("from_period"),
    fromValue: real("from_value"),
  },
  (t) => [index("kpi_targets_kpi").on(t.kpiCode)],
);

export const kpiTargetEntities = sqliteTable(
  "kpi_target_entities",
  {
    targetId: integer("target_id")
      .notNull()
      .references(() => kpiTargets.id, { onDelete: "cascade" }),
    entityCode: text("entity_code")
      .notNull()
      .references(() => entities.code),
  },
  (t) => [primaryKey({ columns: [t.targetId, t.entityCode] })],
);

export const FIGURE_STATUSES = ["draft", "submitted", "returned", "approved"] as const;
export type FigureStatus = (typeof FIGURE_STATUSES)[number];

export const figures = sqliteTable(
  "figures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    entityCode: text("entity_code")
      .notNull()
      .references(() => entities.code),
    kpiCode: text("kpi_code")
      .notNull()
      .references(() => kpis.code),
    period: text("period").notNull(),
    /** The KPI's value: for ratio KPIs derived from numerator and denominator. */
    value: real("value").notNull(),
    numerator: real("numerator"),
    denominator: real("denominator"),
    comment: text("comment"),
    status: text("status", { enum: FIGURE_STATUSES }).notNull().default("draft"),
    /** How it arrived: typed in a form, imported from a file, or generated demo data. */
    source: text("source", { enum: ["form", "import", "seed"] }).notNull(),
    /** Bumped on every change, so a later save can refuse to overwrite one it has not seen. */
    version: integer("version").notNull().default(1),
    enteredBy: text("entered_by").notNull(),
    enteredAt: text("entered_at").notNull(),
    updatedBy: text("updated_by").notNull(),
    updatedAt: text("updated_at").notNull(),
    /** When the focal point submitted it for review; timeliness is measured from this. */
    submittedAt: text("submitted_at"),
    submittedBy: text("submitted_by"),
    reviewedAt: text("reviewed_at"),
    reviewedBy: text("reviewed_by"),
    /** An analyst's reason for returning it, shown to the focal point. */
    reviewComment: text("review_comment"),
  },
  (t) => [
    uniqueIndex("figures_entity_kpi_period").on(t.entityCode, t.kpiCode, t.period),
    // What the compliance engine reads, approved figures only, held whole in the index: a month
    // of the city (overview, report) and a KPI's months (KPI page, trends) without touching the
    // table. The condition is written as a literal in the queries (APPROVED in report.server.ts):
    // SQLite uses a partial index only for a WHERE it can prove at prepare time.
    index("figures_approved_by_period")
      .on(t.period, t.kpiCode, t.entityCode, t.value, t.numerator, t.denominator)
      .where(sql`status = 'approved'`),
    index("figures_approved_by_kpi")
      .on(t.kpiCode, t.period, t.entityCode, t.value, t.numerator, t.denominator)
      .where(sql`status = 'approved'`),
    // The review queue, oldest first, without reading every figure.
    index("figures_waiting_review").on(t.submittedAt).where(sql`status = 'submitted'`),
    index("figures_period").on(t.period),
    // An entity's month (scorecard, entry form): without it SQLite scans the whole month.
    index("figures_entity_period").on(t.entityCode, t.period),
  ],
);

export const FIGURE_ACTIONS = [
  "create",
  "edit",
  "submit",
  "approve",
  "return",
  "import",
  "seed",
  "lock",
  "reopen",
] as const;
export type FigureAction = (typeof FIGURE_ACTIONS)[number];

/** Append-only: triggers in the migrations refuse UPDATE and DELETE on this table. */
export const figureHistory = sqliteTable(
  "figure_history",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    figureId: integer("figure_id")
      .notNull()
      .references(() => figures.id),
    action: text("action", { enum: FIGURE_ACTIONS }).notNull(),
    oldValue: real("old_value"),
    oldNumerator: real("old_numerator"),
    oldDenominator: real("old_denominator"),
    oldStatus: text("old_status"),
    newValue: real("new_value"),
    newNumerator: real("new_numerator"),
    newDenominator: real("new_denominator"),
    newStatus: text("new_status"),
    comment: text("comment"),
    actor: text("actor").notNull(),
    at: text("at").notNull(),
  },
  (t) => [index("figure_history_figure").on(t.figureId)],
);

/** Months closed to every change (the review workflow locks and reopens them). */
export const periodLocks = sqliteTable("period_locks", {
  period: text("period").primaryKey(),
  lockedBy: text("locked_by").notNull(),
  lockedAt: text("locked_at").notNull(),
});

/** Every lock and reopening of a month, with the reason a reopening needs. */
export const periodEvents = sqliteTable("period_events", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  period: text("period").notNull(),
  action: text("action", { enum: ["lock", "reopen"] }).notNull(),
  reason: text("reason"),
  actor: text("actor").notNull(),
  at: text("at").notNull(),
});

/** Small facts about the database itself: whether it holds demo data, the definitions' hash. */
export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: text("updated_at")
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
});

export const ROLES = ["admin", "executive", "analyst", "focal-point"] as const;
export type Role = (typeof ROLES)[number];

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Stored lower case: addresses are compared case-insensitively. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    /** The one entity a focal point belongs to; null for every other role. */
    entityCode: text("entity_code").references(() => entities.code),
    /** scrypt: `scrypt$N$r$p$salt$hash`, base64url parts. */
    passwordHash: text("password_hash").notNull(),
    /**
     * Set when someone else chose the password (an administrator's reset, a random one printed by
     * `kpi user add`): the next sign-in asks for a new one before anything else.
     */
    mustChangePassword: integer("must_change_password", { mode: "boolean" }).notNull().default(false),
    /** The language of the person's e-mail (their pages follow the language switch). */
    locale: text("locale", { enum: ["en", "ar"] }).notNull().default("en"),
    disabledAt: text("disabled_at"),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
  },
  (t) => [
    uniqueIndex("users_email").on(t.email),
    check(
      "users_focal_point_entity",
      sql`(${t.role} = 'focal-point') = (${t.entityCode} IS NOT NULL)`,
    ),
  ],
);

export const sessions = sqliteTable(
  "sessions",
  {
    /** sha256 of the cookie's token: a copy of the database does not hold usable sessions. */
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    createdAt: text("created_at").notNull(),
    lastSeenAt: text("last_seen_at").notNull(),
    /** The absolute end, whatever the activity. */
    expiresAt: text("expires_at").notNull(),
    endedAt: text("ended_at"),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

export const AUTH_EVENTS = [
  "sign-in",
  "failure",
  "lock-out",
  "sign-out",
  "user-created",
  "user-disabled",
  "user-enabled",
  "password-changed",
  "password-reset",
] as const;
export type AuthEvent = (typeof AUTH_EVENTS)[number];

/** Sign-ins, failures, lock-outs and account changes: the trail an administrator reads. */
export const authEvents = sqliteTable(
  "auth_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: text("at").notNull(),
    kind: text("kind", { enum: AUTH_EVENTS }).notNull(),
    /** The address typed or acted on, lower case. */
    email: text("email").notNull(),
    userId: integer("user_id").references(() => users.id),
    ip: text("ip"),
    /** Who did it, for account changes made by an administrator. */
    actor: text("actor"),
  },
  (t) => [index("auth_events_email_at").on(t.email, t.at), index("auth_events_ip_at").on(t.ip, t.at)],
);

/** Personal access tokens for the read API: only their SHA-256 is stored. */
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    /** sha256 of the token; the token itself is shown once, when created. */
    tokenHash: text("token_hash").notNull(),
    /** The first characters, so a person can tell their tokens apart. */
    prefix: text("prefix").notNull(),
    createdAt: text("created_at").notNull(),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("api_tokens_hash").on(t.tokenHash), index("api_tokens_user").on(t.userId)],
);

/**
 * Answers to write requests of the API sent with an `Idempotency-Key`, kept for a day: a retry
 * with the same key and the same request gets the stored answer instead of writing again.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Keys are the token owner's: a retry through another of their tokens is still a retry. */
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    tokenId: integer("token_id")
      .notNull()
      .references(() => apiTokens.id),
    key: text("key").notNull(),
    /** sha256 of the method, path, query, content type and body: what "the same request" means. */
    requestHash: text("request_hash").notNull(),
    status: integer("status").notNull(),
    /** The answer's JSON, returned as it was. */
    response: text("response").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("idempotency_keys_user_key").on(t.userId, t.key), index("idempotency_keys_created").on(t.createdAt)],
);

/** What a notice is about; each has its rule in app/notices/rules.server.ts. */
export const NOTICE_KINDS = [
  /** A focal point's month is due in a few days (REMIND_DAYS) and not fully submitted. */
  "reminder",
  /** Today is the due day and the month is not fully submitted. */
  "due",
  /** The due day has passed and the month is not fully submitted. */
  "overdue",
  /** An analyst returned a figure, with a comment. */
  "returned",
  /** An analyst's daily list of what waits for review. */
  "digest",
  /** An entity is ESCALATE_DAYS or more overdue: to the analysts. */
  "escalation",
  /** KPIs of an entity's month need corrective action plans not yet sent: owed, then overdue. */
  "plan-due",
  /** A month was locked: its summary, to the executives. */
  "locked",
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/**
 * Where a notice's e-mail stands. `pending`: to be sent (or retried at next_attempt_at);
 * `sent`; `failed`: given up after the last attempt; `inbox`: the person asked for this kind in
 * the app only; `no-server`: no SMTP_URL was set when it came to be sent (the Outbox lists it).
 */
export const MAIL_STATES = ["pending", "sent", "failed", "inbox", "no-server"] as const;
export type MailState = (typeof MAIL_STATES)[number];

/**
 * The outbox and every person's inbox in one table. A notice is written in the transaction of
 * the event that causes it or by the scheduler; its key (kind, person, entity, month, ...) is
 * unique, so a retry, a restart or two schedulers at once never write it twice.
 */
export const notices = sqliteTable(
  "notices",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    key: text("key").notNull(),
    kind: text("kind", { enum: NOTICE_KINDS }).notNull(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    entityCode: text("entity_code").references(() => entities.code),
    period: text("period"),
    /** What the notice says beyond its kind, entity and month (JSON): a comment, a summary. */
    params: text("params").notNull().default("{}"),
    createdAt: text("created_at").notNull(),
    readAt: text("read_at"),
    mail: text("mail", { enum: MAIL_STATES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: text("next_attempt_at"),
    /** A sender's claim while it sends: another process leaves the notice alone until then. */
    claimedBy: text("claimed_by"),
    claimedUntil: text("claimed_until"),
    lastError: text("last_error"),
    sentAt: text("sent_at"),
  },
  (t) => [
    uniqueIndex("notices_key").on(t.key),
    index("notices_user").on(t.userId, t.id),
    index("notices_mail").on(t.mail, t.nextAttemptAt),
  ],
);

/** A person's choice for one kind of notice: by e-mail and in the app, or in the app only. */
export const noticePreferences = sqliteTable(
  "notice_preferences",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind", { enum: NOTICE_KINDS }).notNull(),
    email: integer("email", { mode: "boolean" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

/**
 * The definitions a published edition was computed with (the entities and the engine's KPIs, as
 * canonical JSON), stored once per distinct content under its sha256. Append-only.
 */
export const definitionSets = sqliteTable("definition_sets", {
  hash: text("hash").primaryKey(),
  body: text("body").notNull(),
  createdAt: text("created_at").notNull(),
});

/**
 * A month's published results: written when the month is locked, one more each time it is locked
 * again after a reopening. Append-only, enforced by triggers (migration 0010), as figure history is.
 */
export const editions = sqliteTable(
  "editions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    period: text("period").notNull(),
    /** 1 for the first publication of the month, 2 after a reopening and a new lock, ... */
    number: integer("number").notNull(),
    publishedAt: text("published_at").notNull(),
    publishedBy: text("published_by").notNull(),
    /** The reason given when the month was reopened before this edition. */
    reason: text("reason"),
    definitionsHash: text("definitions_hash")
      .notNull()
      .references(() => definitionSets.hash),
    /** The approved figures the report read, as JSON [id, version, entity, kpi, period, value, numerator, denominator]. */
    figures: text("figures").notNull(),
    figuresHash: text("figures_hash").notNull(),
    /** The contract's JSON report of the month (canonical JSON). */
    report: text("report").notNull(),
  },
  (t) => [uniqueIndex("editions_period_number").on(t.period, t.number)],
);

/** What commentary is about: one KPI of one entity, an entity's month, or the city's month. */
export const COMMENTARY_SUBJECTS = ["kpi", "entity", "city"] as const;
export type CommentarySubject = (typeof COMMENTARY_SUBJECTS)[number];
/** A focal point's commentary waits for an analyst, as figures do; an analyst's own is approved as written. */
export const COMMENTARY_STATES = ["submitted", "approved", "returned"] as const;
export type CommentaryState = (typeof COMMENTARY_STATES)[number];

/**
 * Words beside the numbers: for an entity's KPI and month an analysis (why it moved) and a
 * recommendation; an entity's summary of its month; the month's executive summary. Every version
 * is a row (append-only, migration 0011): the newest row of a subject is its current state, the
 * rest its history.
 */
export const commentary = sqliteTable(
  "commentary",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    subject: text("subject", { enum: COMMENTARY_SUBJECTS }).notNull(),
    /** "city" for the executive summary, so one unique key serves all three subjects. */
    entityCode: text("entity_code").notNull(),
    /** "" unless the subject is a KPI. */
    kpiCode: text("kpi_code").notNull(),
    period: text("period").notNull(),
    analysis: text("analysis").notNull(),
    recommendation: text("recommendation").notNull().default(""),
    /** The language it was written in: the other language shows it with a note saying so. */
    language: text("language", { enum: ["en", "ar"] }).notNull(),
    state: text("state", { enum: COMMENTARY_STATES }).notNull(),
    author: text("author").notNull(),
    writtenAt: text("written_at").notNull(),
    reviewer: text("reviewer"),
    reviewedAt: text("reviewed_at"),
    reviewNote: text("review_note"),
  },
  (t) => [index("commentary_subject").on(t.entityCode, t.period, t.kpiCode, t.subject, t.id)],
);

/** A corrective action plan's life: owed (no row yet), then these. */
export const PLAN_STATES = ["submitted", "accepted", "returned", "closed"] as const;
export type PlanState = (typeof PLAN_STATES)[number];
export const ACTION_STATES = ["planned", "in-progress", "done", "dropped"] as const;
export type ActionState = (typeof ACTION_STATES)[number];

/**
 * What an entity will do about a KPI that is off track or has missed its final target: opened
 * for the month it was found, answered by the focal point, accepted or returned by an analyst,
 * closed by an analyst once the KPI is back on track. One open plan per entity and KPI.
 */
export const plans = sqliteTable(
  "plans",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    entityCode: text("entity_code")
      .notNull()
      .references(() => entities.code),
    kpiCode: text("kpi_code")
      .notNull()
      .references(() => kpis.code),
    /** The month the KPI was found off track. */
    period: text("period").notNull(),
    /** When the plan was owed: the month's figures due date plus PLAN_DUE_DAYS. */
    dueAt: text("due_at").notNull(),
    state: text("state", { enum: PLAN_STATES }).notNull(),
    summary: text("summary").notNull(),
    language: text("language", { enum: ["en", "ar"] }).notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    /** Optimistic lock: each change sends the version it read. */
    version: integer("version").notNull().default(1),
  },
  (t) => [index("plans_entity_kpi").on(t.entityCode, t.kpiCode, t.state)],
);

export const planActions = sqliteTable(
  "plan_actions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: integer("plan_id")
      .notNull()
      .references(() => plans.id),
    title: text("title").notNull(),
    owner: text("owner").notNull(),
    /** The month it is due by. */
    dueMonth: text("due_month").notNull(),
    state: text("state", { enum: ACTION_STATES }).notNull(),
    progress: text("progress").notNull().default(""),
  },
  (t) => [index("plan_actions_plan").on(t.planId)],
);

/** Every change to a plan, with the plan and its actions as they were after it (append-only). */
export const planEvents = sqliteTable(
  "plan_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: integer("plan_id")
      .notNull()
      .references(() => plans.id),
    action: text("action", { enum: ["submit", "accept", "return", "update", "close"] }).notNull(),
    actor: text("actor").notNull(),
    at: text("at").notNull(),
    note: text("note"),
    /** The plan and its actions after the change (JSON). */
    snapshot: text("snapshot").notNull(),
  },
  (t) => [index("plan_events_plan").on(t.planId, t.id)],
);

/** A briefing book's preparation: waiting for the printer, being printed, ready, or failed. */
export const BRIEFING_STATES = ["queued", "running", "ready", "failed"] as const;
export type BriefingState = (typeof BRIEFING_STATES)[number];

/**
 * The monthly briefing book, one PDF per month and language, prepared in the background
 * (app/briefing/jobs.server.ts, docs/decisions/0018-briefing-book.md). The PDF is kept here, beside
 * the row that says what it was built from, so a backup of the database file holds it too; only
 * the newest ready book of a month and language is kept.
 */
export const briefingBooks = sqliteTable(
  "briefing_books",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    period: text("period").notNull(),
    language: text("language", { enum: ["en", "ar"] }).notNull(),
    state: text("state", { enum: BRIEFING_STATES }).notNull(),
    /** 0 to 100, for the page's progress bar. */
    progress: integer("progress").notNull().default(0),
    requestedBy: text("requested_by").notNull(),
    requestedAt: text("requested_at").notNull(),
    startedAt: text("started_at"),
    /** Moved on by the process preparing it: a book whose heartbeat stopped was interrupted. */
    heartbeatAt: text("heartbeat_at").notNull(),
    finishedAt: text("finished_at"),
    /** What the month's data was when the book was built (bookDataVersion): another now means out of date. */
    dataVersion: text("data_version"),
    pages: integer("pages"),
    bytes: integer("bytes"),
    pdf: blob("pdf", { mode: "buffer" }),
    /** Why it failed, for the logs and administrators; the page shows a sentence of its own. */
    error: text("error"),
  },
  (t) => [index("briefing_books_month").on(t.period, t.language, t.id)],
);
