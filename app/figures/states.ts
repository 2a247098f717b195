// A figure's life: its states, the moves between them, who may make each, and what is read-only
// to a focal point. Pure (no database, no clock), so the entry form can show a figure read-only by
// the same rule the form, the upload, the API and the review refuse a change with.
import { can, type Actor, type Permission } from "../auth/permissions";
import type { FigureAction, FigureStatus } from "../../db/schema";

/**
 * What a person or the office's tooling does to a figure. `save` and `upload` both keep a draft:
 * they differ in what the history records (`create`/`edit`, or `import` for a file).
 */
export const FIGURE_MOVES = [
  "save",
  "upload",
  "submit",
  "approve",
  "return",
  "import",
  "seed",
  "lock",
  "reopen",
] as const;
export type FigureMove = (typeof FIGURE_MOVES)[number];

/** A figure not stored yet: the state a first save, submission or import starts from. */
export type FromState = FigureStatus | null;

const ENTERED: readonly FromState[] = [null, "draft", "returned"];
const STORED: readonly FromState[] = ["draft", "submitted", "returned", "approved"];
const ANY: readonly FromState[] = [null, ...STORED];

interface Move {
  /** The permission a person needs; null for the office's own tooling (the import, the seed). */
  by: Permission | null;
  from: readonly FromState[];
  /** "unchanged": the move is recorded in the history without changing the state. */
  to: FigureStatus | "unchanged";
}

const MOVES: Record<FigureMove, Move> = {
  // A focal point, for their own entity only (figures:enter is entity-scoped).
  save: { by: "figures:enter", from: ENTERED, to: "draft" },
  upload: { by: "figures:enter", from: ENTERED, to: "draft" },
  submit: { by: "figures:enter", from: ENTERED, to: "submitted" },
  // An analyst, only what waits for review.
  approve: { by: "figures:review", from: ["submitted"], to: "approved" },
  return: { by: "figures:review", from: ["submitted"], to: "returned" },
  // The office's own figures count as approved, whatever was stored before (contract §2).
  import: { by: null, from: ANY, to: "approved" },
  seed: { by: null, from: ANY, to: "approved" },
  // A month closed or opened again: every stored figure gets a history row, none changes state.
  lock: { by: "periods:lock", from: STORED, to: "unchanged" },
  reopen: { by: "periods:lock", from: STORED, to: "unchanged" },
};

/** Whether a figure in state `from` (null: not stored yet) may be moved by `move`. */
export function canTransition(from: FromState, move: FigureMove): boolean {
  return MOVES[move].from.includes(from);
}

/** The state a figure is in after `move`. Ask canTransition first: a refused move throws. */
export function statusAfter(from: FromState, move: FigureMove): FigureStatus {
  if (!canTransition(from, move)) throw new Error(`A ${from ?? "new"} figure cannot ${move}`);
  const to = MOVES[move].to;
  // canTransition refuses lock and reopen on a figure not stored, so `from` is a state here.
  return to === "unchanged" ? from! : to;
}

/** What the figure's history records for `move`: a first save is `create`, a later one `edit`. */
export function historyAction(from: FromState, move: FigureMove): FigureAction {
  switch (move) {
    case "save":
      return from === null ? "create" : "edit";
    // A focal point's file is recorded as an import, though it saves drafts.
    case "upload":
      return "import";
    default:
      return move;
  }
}

/** Whether `actor` may make `move` on a figure of `entity`. Null moves are the tooling's, not a person's. */
export function mayMove(actor: Actor | null, move: FigureMove, entity: string): boolean {
  const permission = MOVES[move].by;
  return permission !== null && can(actor, permission, entity);
}

/**
 * Whether a focal point can no longer change a figure: it waits for review or is approved, until
 * an analyst returns it. Such a figure is shown without inputs, and every way of sending figures
 * refuses it.
 */
export function isReadOnlyForEntry(status: FigureStatus | null | undefined): boolean {
  return !canTransition(status ?? null, "save");
}

/** Why a focal point cannot change a figure, as the code a page translates; null when they can. */
export function readOnlyReason(
  status: FigureStatus | null | undefined,
): "awaiting-review" | "already-approved" | null {
  if (!isReadOnlyForEntry(status)) return null;
  return status === "submitted" ? "awaiting-review" : "already-approved";
}
