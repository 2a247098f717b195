// PDFs are printed one (or a few) at a time, with a short line behind: each print is a Chromium
// page loading one of our own pages, and six at once once took the server down.
// docs/decisions/0006-pdf-export-queue.md has the numbers and why.

export interface PrintQueueOptions {
  /** Prints running at once. */
  concurrency: number;
  /** Prints waiting for a free slot; one more is turned away as busy. */
  maxWaiting: number;
  /** From the moment a print is asked for, waiting included: the person always has an answer by then. */
  timeoutMs: number;
}

export type PrintOutcome<T> =
  | { kind: "done"; value: T }
  | { kind: "busy" }
  | { kind: "timed-out" }
  | { kind: "failed"; error: unknown };

/** The print itself; it must stop, and close what it opened, when `signal` aborts. */
export type PrintJob<Job, T> = (job: Job, signal: AbortSignal) => Promise<T>;

interface Waiter {
  start: () => void;
  cancel: () => void;
  /** performance.now() by which the person must have an answer. */
  deadline: number;
}

export class PrintQueue<Job, T> {
  private runningCount = 0;
  private readonly waiters: Waiter[] = [];

  constructor(
    private readonly print: PrintJob<Job, T>,
    readonly options: PrintQueueOptions,
  ) {}

  get running(): number {
    return this.runningCount;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Prints `job` when a slot is free; never throws. */
  submit(job: Job): Promise<PrintOutcome<T>> {
    if (this.runningCount >= this.options.concurrency && this.waiters.length >= this.options.maxWaiting) {
      return Promise.resolve({ kind: "busy" });
    }
    return new Promise<PrintOutcome<T>>((resolve) => {
      const controller = new AbortController();
      let settled = false;
      let holdsSlot = false;
      const finish = (outcome: PrintOutcome<T>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // A print that overran gives its slot back now: its context is being closed, and the
        // next person should not wait on a hung page.
        if (holdsSlot) this.release();
        resolve(outcome);
      };
      const waiter: Waiter = {
        start: () => {
          holdsSlot = true;
          this.runningCount++;
          // Through a promise, so that a print which throws at once is an outcome, not a crash.
          Promise.resolve()
            .then(() => this.print(job, controller.signal))
            .then(
            (value) => finish({ kind: "done", value }),
            (error: unknown) => finish(controller.signal.aborted ? { kind: "timed-out" } : { kind: "failed", error }),
          );
        },
        cancel: () => finish({ kind: "timed-out" }),
        deadline: performance.now() + this.options.timeoutMs,
      };
      const timer = setTimeout(() => {
        const queued = this.waiters.indexOf(waiter);
        if (queued >= 0) this.waiters.splice(queued, 1);
        controller.abort(new Error(`the print took longer than ${this.options.timeoutMs} ms`));
        waiter.cancel();
      }, this.options.timeoutMs);

      if (this.runningCount < this.options.concurrency) waiter.start();
      else this.waiters.push(waiter);
    });
  }

  private release() {
    this.runningCount--;
    // A print with almost none of its time left could not finish: it is answered at once
    // instead of opening a page only to close it.
    const margin = Math.min(1000, this.options.timeoutMs / 10);
    let next = this.waiters.shift();
    while (next && next.deadline - performance.now() < margin) {
      next.cancel();
      next = this.waiters.shift();
    }
    next?.start();
  }
}
