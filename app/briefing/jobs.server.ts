// Briefing books prepared in the background, in the server process: a request writes a row and
// returns at once; the process prepares its books one after another (each printing goes through
// the one Chromium queue, app/exports/pdf.server.ts) and moves the row on as it goes, so the page
// can show how far it has got. A second request for the same month and language while one is
// waiting or printing joins it. docs/decisions/0018-briefing-book.md.
import type { Db } from "../../db/index";
import type { Locale } from "../i18n/locale";
import {
  beat,
  bookById,
  bookDataVersion,
  completeBook,
  failBook,
  failInterrupted,
  HEARTBEAT_TIMEOUT_MS,
  insertBook,
  isActive,
  latestBook,
  liveBooks,
  readyBook,
  updateBook,
  type BriefingBook,
} from "../models/briefing-books.server";

/** Books waiting or printing at once, in every month: beyond this a request is told to come back. */
export const MAX_ACTIVE_BOOKS = 4;

export interface BookRequest {
  period: string;
  language: Locale;
  /** Who asked: the book's row names them. */
  requestedBy: string;
  now: Date;
}

export type RequestOutcome =
  /** A new preparation, waiting for its turn. */
  | { kind: "started"; book: BriefingBook }
  /** One was already waiting or printing: this request is its too. */
  | { kind: "joined"; book: BriefingBook }
  /** A ready book of the month's data as it is now: nothing to prepare. */
  | { kind: "current"; book: BriefingBook }
  | { kind: "busy" };

/** Prepares one book: its PDF and the version of the data it was built from. */
export type PrepareBook = (
  db: Db,
  request: { period: string; language: Locale; now: Date },
  onProgress: (progress: number) => void,
) => Promise<{ pdf: Buffer; pages: number; dataVersion: string }>;

export class BriefingJobs {
  private tail: Promise<void> = Promise.resolve();
  /** This process's books not yet finished: it keeps their heartbeat going while they wait. */
  private readonly mine = new Set<number>();
  private beating: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly db: () => Db,
    private readonly prepare: PrepareBook,
    private readonly options: { clock?: () => Date; log?: (line: string) => void; maxActive?: number } = {},
  ) {}

  private now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  /** Asks for a month's book in a language; never waits for the printing. */
  request(request: BookRequest): RequestOutcome {
    const db = this.db();
    const outcome = db.transaction(
      (): RequestOutcome => {
        failInterrupted(db, request.now);
        const latest = latestBook(db, request.period, request.language);
        if (latest && isActive(latest)) return { kind: "joined", book: latest };
        const ready = readyBook(db, request.period, request.language);
        if (ready && ready.dataVersion === bookDataVersion(db, request.period)) return { kind: "current", book: ready };
        if (liveBooks(db, request.now).length >= (this.options.maxActive ?? MAX_ACTIVE_BOOKS)) return { kind: "busy" };
        return { kind: "started", book: insertBook(db, request) };
      },
      // Taken before reading, so two requests (or two server processes) cannot both start one.
      { behavior: "immediate" },
    );
    if (outcome.kind === "started") this.enqueue(outcome.book.id);
    return outcome;
  }

  /** Resolves when every book this process has taken on is finished (tests, and a clean shutdown). */
  idle(): Promise<void> {
    return this.tail;
  }

  private stopping = false;

  /**
   * For a clean shutdown: the book printing now is finished; those still waiting are marked
   * failed at once (the page offers to ask again) rather than left for the heartbeat to expire.
   */
  stop(): Promise<void> {
    this.stopping = true;
    return this.tail;
  }

  private enqueue(id: number) {
    this.mine.add(id);
    this.beating ??= setInterval(() => beat(this.db(), [...this.mine], this.now()), HEARTBEAT_TIMEOUT_MS / 4);
    // A waiting book must not keep the process (or a test run) alive by itself.
    this.beating.unref?.();
    this.tail = this.tail.then(() => this.run(id));
  }

  private async run(id: number): Promise<void> {
    const db = this.db();
    try {
      const book = bookById(db, id);
      if (!book || book.state !== "queued") return;
      if (this.stopping) {
        failBook(db, id, "The server stopped before this book was prepared: ask for it again.", this.now());
        return;
      }
      const started = this.now();
      updateBook(db, id, { state: "running", progress: 5, startedAt: started.toISOString() }, started);
      const result = await this.prepare(db, { period: book.period, language: book.language, now: started }, (progress) =>
        updateBook(db, id, { progress: Math.max(5, Math.min(99, Math.round(progress))) }, this.now()),
      );
      completeBook(db, id, result, this.now());
      this.options.log?.(
        `briefing book ${book.period} ${book.language}: ${result.pages} pages in ${Math.round((this.now().getTime() - started.getTime()) / 100) / 10} s`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      (this.options.log ?? console.error)(`briefing book ${id} failed: ${message}`);
      try {
        failBook(db, id, message, this.now());
      } catch {
        // The database itself failed: the heartbeat stops, and the book reads as interrupted.
      }
    } finally {
      this.mine.delete(id);
      if (this.mine.size === 0 && this.beating) {
        clearInterval(this.beating);
        this.beating = null;
      }
    }
  }
}
