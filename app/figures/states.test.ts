import { describe, expect, it } from "vitest";
import { FIGURE_STATUSES, type FigureStatus } from "../../db/schema";
import type { Actor } from "../auth/permissions";
import {
  canTransition,
  FIGURE_MOVES,
  historyAction,
  isReadOnlyForEntry,
  mayMove,
  readOnlyReason,
  statusAfter,
  type FigureMove,
  type FromState,
} from "./states";

const FROM: FromState[] = [null, ...FIGURE_STATUSES];
const name = (from: FromState) => from ?? "new";

// Written out by hand, one row per move and one column per starting state, so that a change to
// the machine shows up here as a deliberate edit: the state a move leads to, or "-" when refused.
// Columns: new, draft, submitted, returned, approved.
const EXPECTED: Record<FigureMove, [string, string, string, string, string]> = {
  save: ["draft", "draft", "-", "draft", "-"],
  upload: ["draft", "draft", "-", "draft", "-"],
  submit: ["submitted", "submitted", "-", "submitted", "-"],
  approve: ["-", "-", "approved", "-", "-"],
  return: ["-", "-", "returned", "-", "-"],
  import: ["approved", "approved", "approved", "approved", "approved"],
  seed: ["approved", "approved", "approved", "approved", "approved"],
  lock: ["-", "draft", "submitted", "returned", "approved"],
  reopen: ["-", "draft", "submitted", "returned", "approved"],
};

describe("the figure state machine", () => {
  it("covers every move", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...FIGURE_MOVES].sort());
  });

  for (const move of FIGURE_MOVES) {
    FROM.forEach((from, i) => {
      const expected = EXPECTED[move][i];
      if (expected === "-") {
        it(`refuses ${move} on a ${name(from)} figure`, () => {
          expect(canTransition(from, move)).toBe(false);
          expect(() => statusAfter(from, move)).toThrow(`cannot ${move}`);
        });
      } else {
        it(`allows ${move} on a ${name(from)} figure, which becomes ${expected}`, () => {
          expect(canTransition(from, move)).toBe(true);
          expect(statusAfter(from, move)).toBe(expected);
        });
      }
    });
  }
});

describe("historyAction: what the history records", () => {
  it("records a first save as create and a later one as edit", () => {
    expect(historyAction(null, "save")).toBe("create");
    expect(historyAction("draft", "save")).toBe("edit");
    expect(historyAction("returned", "save")).toBe("edit");
  });

  it("records a focal point's file as an import, though it saves drafts", () => {
    expect(historyAction(null, "upload")).toBe("import");
    expect(historyAction("draft", "upload")).toBe("import");
    expect(statusAfter("draft", "upload")).toBe("draft");
  });

  it("records every other move under its own name, new figure or not", () => {
    for (const move of [
      "submit",
      "approve",
      "return",
      "import",
      "seed",
      "lock",
      "reopen",
    ] as const) {
      expect(historyAction("submitted", move)).toBe(move);
      expect(historyAction(null, move)).toBe(move);
    }
  });
});

describe("isReadOnlyForEntry", () => {
  const cases: Array<[FigureStatus | null | undefined, boolean]> = [
    [undefined, false],
    [null, false],
    ["draft", false],
    ["returned", false],
    ["submitted", true],
    ["approved", true],
  ];
  it.each(cases)("a %s figure: read-only %s", (status, readOnly) => {
    expect(isReadOnlyForEntry(status)).toBe(readOnly);
  });

  it("is exactly what a focal point can neither save nor submit", () => {
    for (const from of FROM) {
      expect(isReadOnlyForEntry(from)).toBe(!canTransition(from, "save"));
      expect(isReadOnlyForEntry(from)).toBe(!canTransition(from, "submit"));
      expect(isReadOnlyForEntry(from)).toBe(!canTransition(from, "upload"));
    }
  });
});

describe("readOnlyReason", () => {
  it("names why a focal point cannot change a figure", () => {
    expect(readOnlyReason("submitted")).toBe("awaiting-review");
    expect(readOnlyReason("approved")).toBe("already-approved");
  });

  it("is null for what a focal point can still change", () => {
    for (const status of [undefined, null, "draft", "returned"] as const) {
      expect(readOnlyReason(status)).toBeNull();
    }
  });
});

describe("mayMove: who makes each move", () => {
  const focalRta: Actor = { id: 1, role: "focal-point", entityCode: "RTA" };
  const analyst: Actor = { id: 2, role: "analyst", entityCode: null };
  const admin: Actor = { id: 3, role: "admin", entityCode: null };
  const executive: Actor = { id: 4, role: "executive", entityCode: null };

  it("lets a focal point save, upload and submit their own entity's figures only", () => {
    for (const move of ["save", "upload", "submit"] as const) {
      expect(mayMove(focalRta, move, "RTA")).toBe(true);
      expect(mayMove(focalRta, move, "DEWA")).toBe(false);
      for (const other of [analyst, admin, executive])
        expect(mayMove(other, move, "RTA")).toBe(false);
    }
  });

  it("lets an analyst approve and return, and nobody else", () => {
    for (const move of ["approve", "return"] as const) {
      expect(mayMove(analyst, move, "RTA")).toBe(true);
      for (const other of [focalRta, admin, executive])
        expect(mayMove(other, move, "RTA")).toBe(false);
    }
  });

  it("lets an administrator lock and reopen a month", () => {
    for (const move of ["lock", "reopen"] as const) {
      expect(mayMove(admin, move, "RTA")).toBe(true);
      for (const other of [focalRta, analyst, executive])
        expect(mayMove(other, move, "RTA")).toBe(false);
    }
  });

  it("leaves import and seed to the office's tooling: no person makes them", () => {
    for (const move of ["import", "seed"] as const) {
      for (const actor of [focalRta, analyst, admin, executive])
        expect(mayMove(actor, move, "RTA")).toBe(false);
    }
  });

  it("lets nobody signed out move a figure", () => {
    for (const move of FIGURE_MOVES) expect(mayMove(null, move, "RTA")).toBe(false);
  });
});
