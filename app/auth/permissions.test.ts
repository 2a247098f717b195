import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../db/schema";
import { can, type Actor, type Permission } from "./permissions";

const PERMISSIONS: Permission[] = [
  "catalogue:read",
  "city:read",
  "entity:read",
  "figures:enter",
  "figures:review",
  "reports:export",
  "reports:print",
  "tokens:manage",
  "users:manage",
  "definitions:load",
  "periods:lock",
  "notices:read",
  "outbox:read",
  "commentary:write",
  "commentary:review",
  "summary:write",
  "plans:write",
  "plans:review",
  "briefing:read",
  "briefing:prepare",
];

const OWN = "RTA";
const OTHER = "DEWA";

const actors: Record<Role, Actor> = {
  admin: { id: 1, role: "admin", entityCode: null },
  executive: { id: 2, role: "executive", entityCode: null },
  analyst: { id: 3, role: "analyst", entityCode: null },
  "focal-point": { id: 4, role: "focal-point", entityCode: OWN },
};

type Answers = { own: boolean; other: boolean; none: boolean };
const all: Answers = { own: true, other: true, none: true };
const no: Answers = { own: false, other: false, none: false };
/** A focal point's entity-scoped permissions: their own entity only, and only when named. */
const ownOnly: Answers = { own: true, other: false, none: false };

// The whole table, written out: role × permission × (own entity | another entity | no entity).
const expected: Record<Role, Record<Permission, Answers>> = {
  admin: {
    "catalogue:read": all,
    "city:read": all,
    "entity:read": all,
    "figures:enter": no,
    "figures:review": no,
    "reports:export": all,
    "reports:print": all,
    "tokens:manage": all,
    "users:manage": all,
    "definitions:load": all,
    "periods:lock": all,
    "notices:read": all,
    "outbox:read": all,
    "commentary:write": no,
    "commentary:review": no,
    "summary:write": no,
    "plans:write": no,
    "plans:review": no,
    "briefing:read": all,
    "briefing:prepare": all,
  },
  executive: {
    "catalogue:read": all,
    "city:read": all,
    "entity:read": all,
    "figures:enter": no,
    "figures:review": no,
    "reports:export": no,
    "reports:print": all,
    "tokens:manage": no,
    "users:manage": no,
    "definitions:load": no,
    "periods:lock": no,
    "notices:read": all,
    "outbox:read": no,
    "commentary:write": no,
    "commentary:review": no,
    "summary:write": no,
    "plans:write": no,
    "plans:review": no,
    "briefing:read": all,
    "briefing:prepare": all,
  },
  analyst: {
    "catalogue:read": all,
    "city:read": all,
    "entity:read": all,
    "figures:enter": no,
    "figures:review": all,
    "reports:export": all,
    "reports:print": all,
    "tokens:manage": all,
    "users:manage": no,
    "definitions:load": no,
    "periods:lock": no,
    "notices:read": all,
    "outbox:read": no,
    "commentary:write": no,
    "commentary:review": all,
    "summary:write": all,
    "plans:write": no,
    "plans:review": all,
    "briefing:read": all,
    "briefing:prepare": all,
  },
  "focal-point": {
    "catalogue:read": all,
    "city:read": all,
    "entity:read": ownOnly,
    "figures:enter": ownOnly,
    "figures:review": no,
    "reports:export": no,
    "reports:print": all,
    "tokens:manage": all,
    "users:manage": no,
    "definitions:load": no,
    "periods:lock": no,
    "notices:read": all,
    "outbox:read": no,
    "commentary:write": ownOnly,
    "commentary:review": no,
    "summary:write": no,
    "plans:write": ownOnly,
    "plans:review": no,
    "briefing:read": no,
    "briefing:prepare": no,
  },
};

describe("can(actor, permission, entity?)", () => {
  it("covers every role and every permission", () => {
    expect(Object.keys(expected).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) expect(Object.keys(expected[role]).sort()).toEqual([...PERMISSIONS].sort());
  });

  for (const role of ROLES) {
    for (const permission of PERMISSIONS) {
      const want = expected[role][permission];
      it(`${role} × ${permission}: own entity ${want.own}, another ${want.other}, none ${want.none}`, () => {
        const actor = actors[role];
        expect(can(actor, permission, OWN)).toBe(want.own);
        expect(can(actor, permission, OTHER)).toBe(want.other);
        expect(can(actor, permission)).toBe(want.none);
        expect(can(actor, permission, undefined)).toBe(want.none);
      });
    }
  }

  it("denies a null actor everything, with or without an entity", () => {
    for (const permission of PERMISSIONS) {
      expect(can(null, permission)).toBe(false);
      expect(can(null, permission, OWN)).toBe(false);
    }
  });

  it("gives a focal point nothing for an empty entity code, nor matches on case", () => {
    const focal = actors["focal-point"];
    expect(can(focal, "entity:read", "")).toBe(false);
    expect(can(focal, "figures:enter", "rta")).toBe(false);
  });

  it("gives a focal point without an entity (a broken row) no entity-scoped permission", () => {
    const orphan: Actor = { id: 5, role: "focal-point", entityCode: null };
    expect(can(orphan, "entity:read")).toBe(false);
    expect(can(orphan, "figures:enter", OWN)).toBe(false);
    expect(can(orphan, "catalogue:read")).toBe(true);
  });

  it("denies a permission it does not know and a role it does not know", () => {
    expect(can(actors.admin, "users:delete" as Permission)).toBe(false);
    expect(can({ id: 9, role: "superuser" as Role, entityCode: null }, "catalogue:read")).toBe(false);
  });
});
