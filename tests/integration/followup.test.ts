// Following a month up (issue 15) on a real database: the words beside the numbers (commentary,
// written by focal points and reviewed by analysts, the city's summary by analysts) and the
// corrective action plans owed for KPIs off track or short of a final target. Three entities and
// two KPIs of our own, so every status below is worked out by hand in the comment beside it.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import type { Actor } from "~/auth/permissions";
import { loadDefinitions } from "~/definitions/load.server";
import { dueMoment } from "~/figures/month";
import { withoutIsolates } from "~/i18n/bidi";
import {
  CITY,
  commentaryHistory,
  commentaryOf,
  mayWrite,
  reviewCommentary,
  seesDrafts,
  shownTo,
  writeCommentary,
  type CommentaryKey,
} from "~/models/commentary.server";
import { reviewFigure, saveEntry } from "~/models/entry.server";
import { importFiguresCsv } from "~/models/figures.server";
import {
  closable,
  followUpsFor,
  listPlans,
  needsPlan,
  overdueActions,
  planById,
  planDueAt,
  reviewPlan,
  sendPlan,
  type ActionInput,
} from "~/models/plans.server";
import { statusReportFor } from "~/models/scorecards.server";
import { syncDefinitions } from "~/models/sync.server";
import { createTestDatabase } from "../helpers/db";

const test = createTestDatabase();
const db = test.db;
afterAll(() => test.close());

const MONTH = "2018-12";
const SETTINGS = { dueDay: 10, planDueDays: 15 };

type Person = Actor & { email: string };
const focalAaa: Person = { id: 1, role: "focal-point", entityCode: "AAA", email: "focal.aaa@example.com" };
const focalBbb: Person = { id: 2, role: "focal-point", entityCode: "BBB", email: "focal.bbb@example.com" };
const analyst: Person = { id: 3, role: "analyst", entityCode: null, email: "analyst@example.com" };
const executive: Person = { id: 4, role: "executive", entityCode: null, email: "executive@example.com" };

const name = (en: string) => `{ en: "${en}", ar: "${en} بالعربية" }`;

beforeAll(() => {
  const defs = path.join(test.dir, "defs");
  mkdirSync(path.join(defs, "kpis"), { recursive: true });
  writeFileSync(path.join(defs, "entities.yaml"), `entities:\n${["AAA", "BBB", "CCC"].map((c) => `  - { code: ${c}, name: ${name(c)} }`).join("\n")}\n`);
  writeFileSync(
    path.join(defs, "strategy.yaml"),
    `dimensions: [{ code: d1, name: ${name("D1")} }]
pillars: [{ code: pl1, name: ${name("P1")} }]
initiatives: [{ code: i1, name: ${name("I1")}, pillar: pl1 }]
policies: [{ code: p1, name: ${name("Policy")} }]
`,
  );
  // A final target: 80% due December 2018, in force from then on.
  writeFileSync(
    path.join(defs, "kpis/adoption.yaml"),
    `code: ADOPTION
name: ${name("Adoption")}
unit: percent
direction: increase
measure: ratio
numerator: ${name("Smart")}
denominator: ${name("All")}
aggregation: ratio-of-sums
reporters: all
links: { policies: [p1], initiatives: [i1], pillars: [pl1], dimensions: [d1] }
targets:
  - { value: 80, due: 2018-12 }
`,
  );
  // A trajectory from 4 (January 2018) to 20 (December 2019): interim targets in 2018.
  writeFileSync(
    path.join(defs, "kpis/services.yaml"),
    `code: SERVICES
name: ${name("Services")}
unit: count
direction: increase
measure: value
aggregation: sum
reporters: [AAA, BBB]
links: { policies: [p1], initiatives: [i1], pillars: [pl1], dimensions: [d1] }
targets:
  - { value: 20, due: 2019-12, from: { period: 2018-01, value: 4 } }
`,
  );
  const loaded = loadDefinitions(defs);
  if (!loaded.ok) throw new Error(`definitions: ${JSON.stringify(loaded.errors)}`);
  syncDefinitions(db, loaded.definitions, "2019-01-01T00:00:00.000Z");
  // December 2018, as the office's own tooling imports it (approved).
  const imported = importFiguresCsv(
    db,
    [
      "entity,kpi,period,value,numerator,denominator,comment",
      "AAA,ADOPTION,2018-12,,700,1000,",
      "BBB,ADOPTION,2018-12,,760,1000,",
      "CCC,ADOPTION,2018-12,,850,1000,",
      "AAA,SERVICES,2018-12,12,,,",
      "BBB,SERVICES,2018-12,11,,,",
    ].join("\n"),
    { actor: "test", now: new Date("2019-01-05T06:00:00Z"), currentPeriod: "2019-01" },
  );
  expect(imported).toEqual({ ok: true, imported: 5 });
});

// ---------------------------------------------------------------------------------------------

describe("commentary", () => {
  const kpiKey: CommentaryKey = { subject: "kpi", entity: "AAA", kpi: "ADOPTION", period: MONTH };
  const cityKey: CommentaryKey = { subject: "city", entity: CITY, kpi: "", period: MONTH };
  const at = (day: number) => new Date(`2019-01-${String(day).padStart(2, "0")}T06:00:00.000Z`);
  const rows = () => db.select().from(s.commentary).all().length;
  const text = (analysis: string, basedOn: number | null, language: "en" | "ar" = "en") => ({
    analysis,
    recommendation: "Send reminders to the agencies behind",
    language,
    basedOn,
  });

  it("a focal point writes their own entity's KPI (submitted, in the language written), and nothing of another entity's or the city's", () => {
    const written = writeCommentary(db, focalAaa, kpiKey, text("  انخفض الاعتماد لأن خدمتين توقفتا  ", null, "ar"), at(12));
    expect(written).toEqual({
      ok: true,
      row: {
        id: 1,
        subject: "kpi",
        entityCode: "AAA",
        kpiCode: "ADOPTION",
        period: MONTH,
        analysis: "انخفض الاعتماد لأن خدمتين توقفتا",
        recommendation: "Send reminders to the agencies behind",
        language: "ar",
        state: "submitted",
        author: "focal.aaa@example.com",
        writtenAt: "2019-01-12T06:00:00.000Z",
        reviewer: null,
        reviewedAt: null,
        reviewNote: null,
      },
    });
    expect(writeCommentary(db, focalAaa, { ...kpiKey, entity: "BBB" }, text("BBB's words", null), at(12))).toEqual({ ok: false, reason: "forbidden" });
    expect(writeCommentary(db, focalAaa, cityKey, text("The city's month", null), at(12))).toEqual({ ok: false, reason: "forbidden" });
    expect(mayWrite(focalAaa, { subject: "entity", entity: "AAA" })).toBe(true);
    expect(mayWrite(focalAaa, { subject: "entity", entity: "BBB" })).toBe(false);
    expect(rows()).toBe(1);
  });

  it("an executive writes nothing; an analyst writes the city's summary (approved at once) but not an entity's words", () => {
    for (const key of [kpiKey, { ...kpiKey, subject: "entity" as const, kpi: "" }, cityKey]) {
      expect(writeCommentary(db, executive, key, text("An executive's view", null), at(12))).toEqual({ ok: false, reason: "forbidden" });
    }
    const city = writeCommentary(db, analyst, cityKey, text("Two of three entities are below 80%", null), at(13));
    expect(city).toMatchObject({
      ok: true,
      row: { id: 2, subject: "city", entityCode: "city", kpiCode: "", state: "approved", author: "analyst@example.com", language: "en" },
    });
    // The summary has no recommendation field: what was sent with it is not kept.
    expect(city.ok && city.row.recommendation).toBe("");
    expect(writeCommentary(db, analyst, kpiKey, text("The analyst's words", 1), at(13))).toEqual({ ok: false, reason: "forbidden" });
    expect(writeCommentary(db, analyst, { ...kpiKey, subject: "entity", kpi: "" }, text("The analyst's words", null), at(13))).toEqual({ ok: false, reason: "forbidden" });
    expect(rows()).toBe(2);
  });

  it("a second version must be based on the newest: a stale one writes nothing, the right one is current; an empty analysis is refused", () => {
    expect(writeCommentary(db, focalAaa, kpiKey, text("Second thoughts", null), at(14))).toEqual({ ok: false, reason: "stale" });
    expect(writeCommentary(db, focalAaa, kpiKey, text("Second thoughts", 2), at(14))).toEqual({ ok: false, reason: "stale" });
    expect(rows()).toBe(2);
    expect(writeCommentary(db, focalAaa, kpiKey, text(" \n\t ", 1), at(14))).toEqual({ ok: false, reason: "empty" });
    expect(rows()).toBe(2);

    const second = writeCommentary(db, focalAaa, kpiKey, text("Two services were down for a week", 1), at(14));
    expect(second).toMatchObject({ ok: true, row: { id: 3, state: "submitted", language: "en" } });
    expect(commentaryHistory(db, kpiKey).map((r) => [r.id, r.state, r.language])).toEqual([
      [3, "submitted", "en"],
      [1, "submitted", "ar"],
    ]);
  });

  it("an analyst approves the newest submitted version (a new row); an older one is stale, a focal point cannot review", () => {
    expect(reviewCommentary(db, analyst, 1, "approve", "", at(15))).toEqual({ ok: false, reason: "stale" });
    expect(reviewCommentary(db, focalAaa, 3, "approve", "", at(15))).toEqual({ ok: false, reason: "forbidden" });
    expect(rows()).toBe(3);
    const approved = reviewCommentary(db, analyst, 3, "approve", "", at(15));
    expect(approved).toMatchObject({
      ok: true,
      row: {
        id: 4,
        analysis: "Two services were down for a week",
        state: "approved",
        author: "focal.aaa@example.com",
        writtenAt: "2019-01-14T06:00:00.000Z",
        reviewer: "analyst@example.com",
        reviewedAt: "2019-01-15T06:00:00.000Z",
        reviewNote: null,
      },
    });
    // The approved version is the newest now: approving the one it copies again is stale.
    expect(reviewCommentary(db, analyst, 3, "approve", "", at(15))).toEqual({ ok: false, reason: "stale" });
    expect(commentaryHistory(db, kpiKey).map((r) => [r.id, r.state])).toEqual([
      [4, "approved"],
      [3, "submitted"],
      [1, "submitted"],
    ]);
  });

  it("while a newer version waits, an executive reads the approved one; the entity's focal point and the analysts the newest", () => {
    const third = writeCommentary(db, focalAaa, kpiKey, text("The services are back; January will show it", 4), at(16));
    expect(third).toMatchObject({ ok: true, row: { id: 5, state: "submitted" } });

    const notes = commentaryOf(db, MONTH, ["AAA", CITY]);
    expect([...notes.keys()].sort()).toEqual(["city|city|", "kpi|AAA|ADOPTION"]);
    const kpiNow = notes.get("kpi|AAA|ADOPTION")!;
    expect([kpiNow.current.id, kpiNow.approved?.id, kpiNow.versions]).toEqual([5, 4, 4]);

    expect(seesDrafts(executive, "AAA")).toBe(false);
    expect(seesDrafts(focalBbb, "AAA")).toBe(false);
    expect(seesDrafts(focalAaa, "AAA")).toBe(true);
    expect(seesDrafts(analyst, "AAA")).toBe(true);
    expect(shownTo(kpiNow, seesDrafts(executive, "AAA"))?.id).toBe(4);
    expect(shownTo(kpiNow, seesDrafts(focalBbb, "AAA"))?.id).toBe(4);
    expect(shownTo(kpiNow, seesDrafts(focalAaa, "AAA"))?.id).toBe(5);
    expect(shownTo(kpiNow, seesDrafts(analyst, "AAA"))?.id).toBe(5);
    // The city's summary was approved as written: everyone reads row 2.
    expect(shownTo(notes.get("city|city|"), seesDrafts(executive, CITY))?.id).toBe(2);
    expect(shownTo(notes.get("city|city|"), seesDrafts(analyst, CITY))?.id).toBe(2);
    // Another month has nothing to show.
    expect(commentaryOf(db, "2019-01", ["AAA", CITY]).size).toBe(0);
    expect(shownTo(undefined, true)).toBeNull();
  });

  it("returning a version needs a note; returned, the executive still reads the approved one", () => {
    expect(reviewCommentary(db, analyst, 5, "return", "", at(17))).toEqual({ ok: false, reason: "empty" });
    expect(reviewCommentary(db, analyst, 5, "return", "   ", at(17))).toEqual({ ok: false, reason: "empty" });
    expect(rows()).toBe(5);
    const returned = reviewCommentary(db, analyst, 5, "return", "  Say which services, by name  ", at(17));
    expect(returned).toMatchObject({
      ok: true,
      row: { id: 6, state: "returned", reviewer: "analyst@example.com", reviewNote: "Say which services, by name" },
    });
    // A returned version is not reviewed again.
    expect(reviewCommentary(db, analyst, 6, "approve", "", at(17))).toEqual({ ok: false, reason: "stale" });
    const kpiNow = commentaryOf(db, MONTH, ["AAA"]).get("kpi|AAA|ADOPTION")!;
    expect([shownTo(kpiNow, false)?.id, shownTo(kpiNow, true)?.id, kpiNow.versions]).toEqual([4, 6, 5]);
  });

  it("is append-only: an UPDATE or a DELETE on the table throws and changes nothing", () => {
    expect(() => db.$client.prepare("UPDATE commentary SET analysis = 'rewritten' WHERE id = 1").run()).toThrow(/append-only/);
    expect(() => db.$client.prepare("DELETE FROM commentary WHERE id = 1").run()).toThrow(/append-only/);
    expect(rows()).toBe(6);
    expect(db.select().from(s.commentary).where(eq(s.commentary.id, 1)).get()!.analysis).toBe("انخفض الاعتماد لأن خدمتين توقفتا");
  });
});

// ---------------------------------------------------------------------------------------------

describe("corrective action plans", () => {
  /** Due for December 2018: 10 January 2019, 23:59:59.999 in Dubai (UTC+4), plus 15 days. */
  const DUE = "2019-01-25T19:59:59.999Z";
  const events = () => db.select().from(s.planEvents).all();
  const action = (over: Partial<ActionInput> = {}): ActionInput => ({
    id: null,
    title: "Reminder letters to the agencies behind",
    owner: "Director of e-services",
    dueMonth: "2019-02",
    state: "planned",
    progress: "",
    ...over,
  });
  const newPlan = (over: Partial<Parameters<typeof sendPlan>[2]> = {}) => ({
    entity: "AAA",
    kpi: "ADOPTION",
    period: MONTH,
    planId: null,
    version: null,
    summary: "Bring the two services back and remind the agencies",
    language: "en" as const,
    actions: [action()],
    ...over,
  });
  let planId: number;

  /** AAA's focal point submits January's or February's adoption (out of 1000), as the round does. */
  function submitFigure(period: string, numerator: string, at: string) {
    const saved = saveEntry(db, {
      entity: "AAA",
      period,
      intent: "submit",
      items: [{ kpi: "ADOPTION", numerator, denominator: "1000", comment: "Two services were down", version: "" }],
      actor: focalAaa.email,
      now: new Date(at),
      currentPeriod: at.slice(0, 7),
      jumpShare: 0.25,
    });
    expect(saved).toMatchObject({ ok: true, submitted: 1 });
  }

  function approveFigure(period: string, at: string) {
    const id = db
      .select()
      .from(s.figures)
      .where(and(eq(s.figures.entityCode, "AAA"), eq(s.figures.kpiCode, "ADOPTION"), eq(s.figures.period, period)))
      .get()!.id;
    expect(reviewFigure(db, { figureId: id, decision: "approve", comment: "", actor: analyst.email, now: new Date(at) })).toEqual({ ok: true });
  }

  it("December 2018: AAA off track and BBB short of the final target owe plans; on track or at risk on a trajectory does not", () => {
    const status = (kpi: string, entity: string) => statusReportFor(db, MONTH).rows.find((r) => r.kpi === kpi && r.entity === entity)!;
    // 70 ÷ 80 = 0.875, below the 0.9 band; 76 ÷ 80 = 0.95; 85 ÷ 80 = 1.0625.
    expect([status("ADOPTION", "AAA").status, status("ADOPTION", "BBB").status, status("ADOPTION", "CCC").status]).toEqual(["off-track", "at-risk", "met"]);
    // Interim 4 + 16 × 11 ÷ 23 = 11.652: AAA's 12 is on track, BBB's 11 (0.944) at risk on the way.
    expect([status("SERVICES", "AAA").status, status("SERVICES", "BBB").status]).toEqual(["on-track", "at-risk"]);
    expect(status("SERVICES", "BBB").targetKind).toBe("interim");
    expect(needsPlan(status("SERVICES", "BBB"))).toBe(false);
    // The city's row (2310 ÷ 3000 = 77%, at risk against 80) is no entity's to plan for.
    const city = statusReportFor(db, MONTH).rows.find((r) => r.kpi === "ADOPTION" && r.entity === null)!;
    expect([city.actual, city.status, needsPlan(city)]).toEqual([77, "at-risk", false]);

    expect(dueMoment(MONTH, 10)).toBe("2019-01-10T19:59:59.999Z");
    expect(planDueAt(MONTH, SETTINGS)).toBe(DUE);
    const before = followUpsFor(db, MONTH, SETTINGS, new Date(DUE));
    expect(before.map((f) => [f.entity, f.kpi, f.status, f.dueAt, f.plan, f.overdue])).toEqual([
      ["AAA", "ADOPTION", "off-track", DUE, null, false],
      ["BBB", "ADOPTION", "at-risk", DUE, null, false],
    ]);
    // One millisecond after the due moment, with no plan accepted.
    const after = followUpsFor(db, MONTH, SETTINGS, new Date("2019-01-25T20:00:00.000Z"));
    expect(after.map((f) => f.overdue)).toEqual([true, true]);
    expect(followUpsFor(db, MONTH, SETTINGS, new Date(DUE), "CCC")).toEqual([]);
  });

  it("AAA's focal point sends a plan with one action: submitted, with a submit event holding a snapshot", () => {
    const sent = sendPlan(db, focalAaa, newPlan(), SETTINGS, new Date("2019-01-20T06:00:00Z"));
    expect(sent).toMatchObject({
      ok: true,
      plan: { entityCode: "AAA", kpiCode: "ADOPTION", period: MONTH, dueAt: DUE, state: "submitted", version: 1, createdBy: "focal.aaa@example.com" },
    });
    planId = sent.ok ? sent.plan.id : -1;
    const found = planById(db, planId)!;
    expect(found.actions.map((a) => [a.title, a.owner, a.dueMonth, a.state])).toEqual([["Reminder letters to the agencies behind", "Director of e-services", "2019-02", "planned"]]);
    expect(found.events.map((e) => [e.action, e.actor, e.at, e.note])).toEqual([["submit", "focal.aaa@example.com", "2019-01-20T06:00:00.000Z", null]]);
    const snapshot = JSON.parse(found.events[0].snapshot) as { plan: { state: string; version: number }; actions: Array<{ title: string }> };
    expect([snapshot.plan.state, snapshot.plan.version, snapshot.actions.length, snapshot.actions[0].title]).toEqual(["submitted", 1, 1, "Reminder letters to the agencies behind"]);
    // The follow-up shows it, still not accepted.
    expect(followUpsFor(db, MONTH, SETTINGS, new Date("2019-01-20T06:00:00Z"), "AAA").map((f) => [f.plan?.id, f.plan?.state, f.overdue])).toEqual([[planId, "submitted", false]]);
    expect(listPlans(db, { entity: "AAA" }).map((p) => p.id)).toEqual([planId]);
    expect(listPlans(db, { entity: "BBB" })).toEqual([]);
  });

  it("refuses another entity's focal point, a KPI that needs no plan, a second new plan, and only dropped actions", () => {
    const now = new Date("2019-01-20T07:00:00Z");
    expect(sendPlan(db, focalBbb, newPlan(), SETTINGS, now)).toEqual({ ok: false, reason: "forbidden" });
    expect(sendPlan(db, analyst, newPlan(), SETTINGS, now)).toEqual({ ok: false, reason: "forbidden" });
    expect(sendPlan(db, focalAaa, newPlan({ kpi: "SERVICES" }), SETTINGS, now)).toEqual({ ok: false, reason: "not-needed" });
    expect(sendPlan(db, focalBbb, newPlan({ entity: "BBB", kpi: "SERVICES" }), SETTINGS, now)).toEqual({ ok: false, reason: "not-needed" });
    expect(sendPlan(db, focalAaa, newPlan(), SETTINGS, now)).toEqual({ ok: false, reason: "stale" });
    expect(sendPlan(db, focalBbb, newPlan({ entity: "BBB", actions: [action({ state: "dropped" })] }), SETTINGS, now)).toEqual({ ok: false, reason: "no-actions" });
    expect(sendPlan(db, focalBbb, newPlan({ entity: "BBB", actions: [] }), SETTINGS, now)).toEqual({ ok: false, reason: "no-actions" });
    // Another entity's focal point cannot change AAA's plan by naming it either.
    expect(sendPlan(db, focalBbb, newPlan({ entity: "BBB", planId, version: 1 }), SETTINGS, now)).toEqual({ ok: false, reason: "forbidden" });
    expect([db.select().from(s.plans).all().length, db.select().from(s.planActions).all().length, events().length]).toEqual([1, 1, 1]);
  });

  it("an analyst's return without a note is refused, as a missing note, and writes nothing", () => {
    expect(reviewPlan(db, focalAaa, { planId, version: 1, decision: "accept", note: "" }, new Date("2019-01-21T06:00:00Z"))).toEqual({ ok: false, reason: "forbidden" });
    const refused = reviewPlan(db, analyst, { planId, version: 1, decision: "return", note: "  " }, new Date("2019-01-21T06:00:00Z"));
    expect(refused.ok).toBe(false);
    expect([planById(db, planId)!.plan.state, planById(db, planId)!.plan.version, events().length]).toEqual(["submitted", 1, 1]);
    // The reason must say what is missing (a note), as reviewCommentary's "empty" does: not "no-actions".
    expect(refused).toEqual({ ok: false, reason: "empty" });
  });

  it("returned with a note, sent again with the version read, stale with an old one, then accepted: not overdue after the due date", () => {
    const returned = reviewPlan(db, analyst, { planId, version: 1, decision: "return", note: "Each action needs a named owner" }, new Date("2019-01-21T06:00:00Z"));
    expect(returned).toMatchObject({ ok: true, plan: { state: "returned", version: 2 } });
    expect(reviewPlan(db, analyst, { planId, version: 2, decision: "accept", note: "" }, new Date("2019-01-21T07:00:00Z"))).toEqual({ ok: false, reason: "state" });

    const firstAction = planById(db, planId)!.actions[0].id;
    const again = sendPlan(
      db,
      focalAaa,
      newPlan({
        planId,
        version: 2,
        actions: [
          action({ id: firstAction, owner: "Huda Al Marri, director of e-services" }),
          action({ title: "Restore the two services", owner: "Omar Saleh, IT", dueMonth: "2019-04", state: "in-progress", progress: "One is back" }),
        ],
      }),
      SETTINGS,
      new Date("2019-01-22T06:00:00Z"),
    );
    expect(again).toMatchObject({ ok: true, plan: { id: planId, state: "submitted", version: 3 } });
    expect(planById(db, planId)!.actions.map((a) => [a.id, a.owner, a.dueMonth, a.state])).toEqual([
      [firstAction, "Huda Al Marri, director of e-services", "2019-02", "planned"],
      [firstAction + 1, "Omar Saleh, IT", "2019-04", "in-progress"],
    ]);
    expect(sendPlan(db, focalAaa, newPlan({ planId, version: 2 }), SETTINGS, new Date("2019-01-22T07:00:00Z"))).toEqual({ ok: false, reason: "stale" });
    expect(reviewPlan(db, analyst, { planId, version: 2, decision: "accept", note: "" }, new Date("2019-01-23T06:00:00Z"))).toEqual({ ok: false, reason: "stale" });

    const accepted = reviewPlan(db, analyst, { planId, version: 3, decision: "accept", note: "" }, new Date("2019-01-23T06:00:00Z"));
    expect(accepted).toMatchObject({ ok: true, plan: { state: "accepted", version: 4 } });
    const later = followUpsFor(db, MONTH, SETTINGS, new Date("2019-02-01T06:00:00Z"));
    expect(later.map((f) => [f.entity, f.plan?.state ?? null, f.overdue])).toEqual([
      ["AAA", "accepted", false],
      ["BBB", null, true],
    ]);
    expect(planById(db, planId)!.events.map((e) => [e.action, e.note])).toEqual([
      ["accept", null],
      ["submit", null],
      ["return", "Each action needs a named owner"],
      ["submit", null],
    ]);
  });

  it("an action past its month and not done is overdue, from the first moment of the next month in Dubai, until it is done", () => {
    // 28 February 23:59 in Dubai is still February; midnight is March.
    expect(overdueActions(db, new Date("2019-02-28T19:59:59.999Z"))).toEqual([]);
    const overdue = overdueActions(db, new Date("2019-02-28T20:00:00.000Z"));
    expect(overdue.map((o) => [o.plan.id, o.action.title, o.action.dueMonth, o.action.state])).toEqual([
      [planId, "Reminder letters to the agencies behind", "2019-02", "planned"],
    ]);
    expect(overdueActions(db, new Date("2019-03-15T06:00:00Z"), "AAA")).toHaveLength(1);
    expect(overdueActions(db, new Date("2019-03-15T06:00:00Z"), "BBB")).toEqual([]);

    const [first, second] = planById(db, planId)!.actions;
    const done = sendPlan(
      db,
      focalAaa,
      newPlan({
        planId,
        version: 4,
        actions: [
          action({ id: first.id, owner: first.owner, state: "done", progress: "Sent on 20 February" }),
          action({ id: second.id, title: second.title, owner: second.owner, dueMonth: "2019-04", state: "in-progress", progress: "Both back" }),
        ],
      }),
      SETTINGS,
      new Date("2019-03-15T06:00:00Z"),
    );
    // An accepted plan brought up to date stays accepted: an update, not a new submission.
    expect(done).toMatchObject({ ok: true, plan: { state: "accepted", version: 5 } });
    expect(planById(db, planId)!.events[0].action).toBe("update");
    expect(overdueActions(db, new Date("2019-03-15T06:00:00Z"))).toEqual([]);
  });

  it("closes only once a later month's approved figure puts the KPI back on track; a closed plan cannot be sent again", () => {
    const plan = () => planById(db, planId)!.plan;
    // January 2019 approved at 70% (off track against 80): the latest month with figures.
    submitFigure("2019-01", "700", "2019-02-05T06:00:00Z");
    approveFigure("2019-01", "2019-02-08T06:00:00Z");
    expect(closable(db, plan(), new Date("2019-03-15T06:00:00Z"))).toBe(false);
    expect(reviewPlan(db, analyst, { planId, version: 5, decision: "close", note: "" }, new Date("2019-03-15T06:00:00Z"))).toEqual({ ok: false, reason: "state" });
    // February at 82% sent but not yet approved: still January's status that counts.
    submitFigure("2019-02", "820", "2019-03-16T06:00:00Z");
    expect(closable(db, plan(), new Date("2019-03-16T07:00:00Z"))).toBe(false);
    // Approved: 82 ÷ 80 = 1.025, met.
    approveFigure("2019-02", "2019-03-17T06:00:00Z");
    expect(statusReportFor(db, "2019-02").rows.find((r) => r.kpi === "ADOPTION" && r.entity === "AAA")!.status).toBe("met");
    expect(closable(db, plan(), new Date("2019-03-18T06:00:00Z"))).toBe(true);
    // Seen from February itself, nothing since December is known yet (January is the last month, off track).
    expect(closable(db, plan(), new Date("2019-02-20T06:00:00Z"))).toBe(false);

    const closed = reviewPlan(db, analyst, { planId, version: 5, decision: "close", note: "Back at 82% in February" }, new Date("2019-03-18T06:00:00Z"));
    expect(closed).toMatchObject({ ok: true, plan: { state: "closed", version: 6 } });
    expect(reviewPlan(db, analyst, { planId, version: 6, decision: "close", note: "" }, new Date("2019-03-18T07:00:00Z"))).toEqual({ ok: false, reason: "state" });
    expect(sendPlan(db, focalAaa, newPlan({ planId, version: 6 }), SETTINGS, new Date("2019-03-18T07:00:00Z"))).toEqual({ ok: false, reason: "state" });
    // A closed plan's actions are no longer anyone's to chase.
    expect(overdueActions(db, new Date("2019-06-01T06:00:00Z"))).toEqual([]);
    expect(listPlans(db, { states: ["closed"] }).map((p) => p.id)).toEqual([planId]);
  });

  it("plan_events has one row per change, and is append-only", () => {
    expect(events().map((e) => [e.planId, e.action, e.actor])).toEqual([
      [planId, "submit", "focal.aaa@example.com"],
      [planId, "return", "analyst@example.com"],
      [planId, "submit", "focal.aaa@example.com"],
      [planId, "accept", "analyst@example.com"],
      [planId, "update", "focal.aaa@example.com"],
      [planId, "close", "analyst@example.com"],
    ]);
    const last = JSON.parse(events()[5].snapshot) as { plan: { state: string; version: number }; actions: Array<{ state: string }> };
    expect([last.plan.state, last.plan.version, last.actions.map((a) => a.state)]).toEqual(["closed", 6, ["done", "in-progress"]]);
    expect(() => db.$client.prepare("UPDATE plan_events SET note = 'rewritten' WHERE id = 1").run()).toThrow(/append-only/);
    expect(() => db.$client.prepare("DELETE FROM plan_events WHERE id = 1").run()).toThrow(/append-only/);
    expect(events()).toHaveLength(6);
  });

  it("a month whose plan was accepted and closed is not owed a plan again", () => {
    // December 2018 still reads off track (its figures do not change); its plan was accepted and closed.
    const december = followUpsFor(db, MONTH, SETTINGS, new Date("2019-03-18T08:00:00Z"), "AAA");
    expect.soft(december.map((f) => [f.kpi, f.overdue])).toEqual([["ADOPTION", false]]);
    // Nor can a second plan be opened for it.
    const reopened = sendPlan(db, focalAaa, newPlan(), SETTINGS, new Date("2019-03-18T08:00:00Z"));
    expect.soft(reopened.ok).toBe(false);
    expect(db.select().from(s.plans).all().length).toBe(1);
  });
});

describe("plan-due notices", () => {
  it("tell an entity's focal points once when its plans are owed and once when they are overdue, naming the KPIs", async () => {
    const { createUser } = await import("~/models/users.server");
    const { clockNotices } = await import("~/notices/rules.server");
    const made = new Date("2019-01-01T00:00:00Z");
    const focal = createUser(db, { email: "focal.bbb@example.com", name: "BBB", role: "focal-point", entityCode: "BBB", passwordHash: "x" }, "test", made);
    const settings = { dueDay: 10, remindDays: [5, 1], escalateDays: 5, planDueDays: 15 };
    const planDue = (now: string) => clockNotices(db, new Date(now), settings).filter((d) => d.kind === "plan-due");
    // Before December's figures are due (10 January, end of day in Dubai) nothing is owed yet.
    expect(planDue("2019-01-10T19:00:00Z")).toEqual([]);
    // After: BBB's ADOPTION (76% against a final 80%) has no plan; AAA's plan was accepted (and
    // AAA has no account here), so only BBB's focal point hears, about that one KPI.
    const owed = planDue("2019-01-12T06:00:00Z");
    expect(owed.map((d) => [d.userId, d.entityCode, d.period, d.params])).toEqual([
      [focal.id, "BBB", "2018-12", { due: "2019-01-25T19:59:59.999Z", overdue: false, kpis: ["ADOPTION"] }],
    ]);
    // Past the plan's due moment: a second notice with its own key, marked overdue.
    const late = planDue("2019-01-26T06:00:00Z");
    expect(late.map((d) => d.params)).toEqual([{ due: "2019-01-25T19:59:59.999Z", overdue: true, kpis: ["ADOPTION"] }]);
    expect(late[0].key).not.toBe(owed[0].key);

    // Its words, in both languages, and the page it sends the reader to.
    const { noticeText } = await import("~/notices/mail.server");
    const notice = { id: 1, kind: "plan-due" as const, entityCode: "BBB", period: "2018-12", params: late[0].params as never, createdAt: "", readAt: null };
    const en = noticeText(db, notice, "en");
    expect(en.subject).toBe("Overdue: a plan owed by BBB for December 2018");
    expect(en.lines).toEqual([
      "These KPIs were off track or short of their final target in December 2018, and the office has no plan for them yet. Plans were due on 25 January 2019:",
      "Adoption",
    ]);
    expect(en.path).toBe("/follow-up/BBB/2018-12");
    expect(withoutIsolates(noticeText(db, notice, "ar").subject)).toBe("متأخرة: خطة على BBB بالعربية لشهر ديسمبر 2018");
  });
});
