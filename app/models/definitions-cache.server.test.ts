// The figures cache on a real SQLite file: what is computed again, and what it lets go.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../../tests/helpers/db";
import { cachedForFigures } from "./definitions-cache.server";

// A full collection on demand, to see whether the cache still holds a value. A WeakRef keeps its
// value until the task that made it has ended, so the collection waits for the next one.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const collectGarbage = async () => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc();
};

let t: TestDatabase;
beforeAll(() => {
  t = createTestDatabase();
});
afterAll(() => t.close());

/** Moves the figures version as `kpi sync` does (a new definitions version). */
let syncs = 0;
function sync() {
  t.db
    .insert(s.meta)
    .values({ key: "definitions_version", value: `v${++syncs}` })
    .onConflictDoUpdate({ target: s.meta.key, set: { value: `v${syncs}` } })
    .run();
}

function counter() {
  let calls = 0;
  return { compute: () => ({ call: ++calls, payload: new Array(1000).fill(calls) }), calls: () => calls };
}

describe("cachedForFigures", () => {
  it("computes once per key and stamp; a new stamp takes the old one's place", () => {
    sync();
    const c = counter();
    expect(cachedForFigures(t.db, "overview:2024-06", c.compute, "10:00").call).toBe(1);
    expect(cachedForFigures(t.db, "overview:2024-06", c.compute, "10:00").call).toBe(1);
    expect(cachedForFigures(t.db, "overview:2024-06", c.compute, "10:01").call).toBe(2);
    expect(cachedForFigures(t.db, "overview:2024-06", c.compute, "10:01").call).toBe(2);
    // The 10:00 entry was replaced, not kept beside it.
    expect(cachedForFigures(t.db, "overview:2024-06", c.compute, "10:00").call).toBe(3);
    expect(c.calls()).toBe(3);
  });

  it("lets go of a replaced stamp's value", async () => {
    sync();
    let old: WeakRef<object>;
    {
      old = new WeakRef(cachedForFigures(t.db, "scorecard:RTA", counter().compute, "10:00"));
    }
    cachedForFigures(t.db, "scorecard:RTA", counter().compute, "10:01");
    await collectGarbage();
    expect(old.deref()).toBeUndefined();
  });

  it("computes again when the figures version moves, and lets go of every older entry at once", async () => {
    sync();
    const c = counter();
    let old: WeakRef<object>;
    {
      old = new WeakRef(cachedForFigures(t.db, "report:2024-06", c.compute));
    }
    expect(cachedForFigures(t.db, "report:2024-06", c.compute).call).toBe(1);
    sync();
    // Another key is asked first: the old version's entry must go all the same.
    cachedForFigures(t.db, "report:2024-05", counter().compute);
    await collectGarbage();
    expect(old.deref()).toBeUndefined();
    expect(cachedForFigures(t.db, "report:2024-06", c.compute).call).toBe(2);
  });

  it("keeps the 32 keys last asked for", () => {
    sync();
    const c = counter();
    for (let i = 0; i < 33; i++) cachedForFigures(t.db, `kpiSeries:K${i}`, c.compute);
    expect(c.calls()).toBe(33);
    // K32 to K1 are kept; K0, the least recently asked, was dropped.
    cachedForFigures(t.db, "kpiSeries:K1", c.compute);
    expect(c.calls()).toBe(33);
    cachedForFigures(t.db, "kpiSeries:K0", c.compute);
    expect(c.calls()).toBe(34);
  });
});
