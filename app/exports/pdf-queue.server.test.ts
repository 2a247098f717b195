// The print queue with a fake print: no Chromium, every moment under the test's control.
import { describe, expect, it } from "vitest";
import { PrintQueue, type PrintOutcome } from "./pdf-queue.server";
import { PDF_QUEUE_OPTIONS } from "./pdf.server";

/** A print that finishes when the test says so, and counts how many run at once. */
function fakePrinter() {
  const finishers = new Map<number, (pdf: string) => void>();
  const aborted: number[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const started: number[] = [];
  const print = (job: number, signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      started.push(job);
      const end = () => {
        running--;
        finishers.delete(job);
      };
      finishers.set(job, (pdf) => {
        end();
        resolve(pdf);
      });
      signal.addEventListener("abort", () => {
        aborted.push(job);
        end();
        reject(signal.reason);
      });
    });
  return {
    print,
    finish: (job: number) => finishers.get(job)?.(`pdf ${job}`),
    get mostAtOnce() {
      return mostAtOnce;
    },
    started,
    aborted,
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const kinds = (outcomes: Array<PrintOutcome<string>>) => outcomes.map((o) => o.kind);

describe("PrintQueue", () => {
  for (const options of [PDF_QUEUE_OPTIONS, { concurrency: 2, maxWaiting: 3, timeoutMs: 30_000 }]) {
    const { concurrency, maxWaiting } = options;
    const total = concurrency + maxWaiting + 1;
    it(`turns away exactly the one print beyond ${concurrency} running and ${maxWaiting} waiting, and never runs more than ${concurrency}`, async () => {
      const printer = fakePrinter();
      const queue = new PrintQueue(printer.print, options);
      const jobs = Array.from({ length: total }, (_, i) => i);
      const pending = jobs.map((job) => queue.submit(job));
      // The one turned away hears so at once, before any print finishes.
      expect(await pending[total - 1]).toEqual({ kind: "busy" });
      await tick();
      expect(queue.running).toBe(concurrency);
      expect(queue.waiting).toBe(maxWaiting);
      expect(printer.started).toEqual(jobs.slice(0, concurrency));

      // Finish them one at a time, oldest first: each freed slot goes to the longest waiting.
      for (const job of jobs.slice(0, total - 1)) {
        printer.finish(job);
        await tick();
        expect(queue.running).toBeLessThanOrEqual(concurrency);
      }
      const outcomes = await Promise.all(pending);
      expect(kinds(outcomes)).toEqual([...Array<string>(total - 1).fill("done"), "busy"]);
      expect(outcomes[0]).toEqual({ kind: "done", value: "pdf 0" });
      expect(printer.started).toEqual(jobs.slice(0, total - 1));
      expect(printer.mostAtOnce).toBe(concurrency);
      expect([queue.running, queue.waiting]).toEqual([0, 0]);
    });
  }

  it("times out a hung print, aborts it, and gives its slot to the next", async () => {
    const printer = fakePrinter();
    const queue = new PrintQueue(printer.print, { concurrency: 1, maxWaiting: 1, timeoutMs: 80 });
    const hung = queue.submit(1);
    await tick();
    const started = performance.now();
    expect(await hung).toEqual({ kind: "timed-out" });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(printer.aborted).toEqual([1]);
    expect([queue.running, queue.waiting]).toEqual([0, 0]);

    const next = queue.submit(2);
    await tick();
    expect(printer.started).toEqual([1, 2]);
    printer.finish(2);
    expect(await next).toEqual({ kind: "done", value: "pdf 2" });
  });

  it("frees the slot even when the hung print ignores its abort", async () => {
    const started: number[] = [];
    const queue = new PrintQueue(
      (job: number) => {
        started.push(job);
        return job === 1 ? new Promise<string>(() => undefined) : Promise.resolve(`pdf ${job}`);
      },
      { concurrency: 1, maxWaiting: 1, timeoutMs: 80 },
    );
    const outcomes = await Promise.all([queue.submit(1), new Promise((r) => setTimeout(r, 40)).then(() => queue.submit(2))]);
    // The second waited behind the hung one, then ran inside its own time.
    expect(outcomes.map((o) => o.kind)).toEqual(["timed-out", "done"]);
    expect(started).toEqual([1, 2]);
  });

  it("answers a print whose time ran out while it waited, and never starts it", async () => {
    const printer = fakePrinter();
    const queue = new PrintQueue(printer.print, { concurrency: 1, maxWaiting: 1, timeoutMs: 80 });
    const first = queue.submit(1);
    const second = queue.submit(2);
    expect(await first).toEqual({ kind: "timed-out" });
    expect(await second).toEqual({ kind: "timed-out" });
    expect(printer.started).toEqual([1]);
    expect([queue.running, queue.waiting]).toEqual([0, 0]);
  });

  it("reports a failed print as failed and frees its slot, even one that throws at once", async () => {
    const queue = new PrintQueue(
      (job: number): Promise<string> => {
        if (job === 1) throw new Error("Chromium is not installed");
        return Promise.reject(new Error("crashed"));
      },
      { concurrency: 1, maxWaiting: 4, timeoutMs: 1000 },
    );
    const outcomes = await Promise.all([queue.submit(1), queue.submit(2)]);
    expect(outcomes.map((o) => (o.kind === "failed" ? (o.error as Error).message : o.kind))).toEqual([
      "Chromium is not installed",
      "crashed",
    ]);
    expect([queue.running, queue.waiting]).toEqual([0, 0]);
  });
});
