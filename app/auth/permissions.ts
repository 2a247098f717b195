// Who may do what: one module, asked by every loader and action (deny by default). Pure, so the
// UI can hide what a person cannot do with the same rules the server enforces.
import type { Role } from "../../db/schema";

export interface Actor {
  id: number;
  role: Role;
  /** A focal point's entity; null for the other roles. */
  entityCode: string | null;
}

export type Permission =
  /** The KPI catalogue and definitions. */
  | "catalogue:read"
  /** The city overview and strategy pages: approved figures only. */
  | "city:read"
  /** An entity's scorecard and figures (resource: the entity code). */
  | "entity:read"
  /** Entering and submitting an entity's figures (resource: the entity code). */
  | "figures:enter"
  /** Approving or returning submitted figures. */
  | "figures:review"
  /** Downloads and the report builder. */
  | "reports:export"
  /** A PDF of a page one may read (`/export/pdf`), printed as oneself: no data beyond the page. */
  | "reports:print"
  /** Personal access tokens for the API, acting with their owner's permissions. */
  | "tokens:manage"
  /** Accounts, definitions, locking periods. */
  | "users:manage"
  | "definitions:load"
  | "periods:lock"
  /** One's own notices and notice preferences. */
  | "notices:read"
  /** Every notice's e-mail: the Outbox. */
  | "outbox:read"
  /** An entity's analysis, recommendations and summary of a month (resource: the entity code). */
  | "commentary:write"
  /** Approving or returning an entity's commentary. */
  | "commentary:review"
  /** The month's executive summary. */
  | "summary:write"
  /** An entity's corrective action plans (resource: the entity code). */
  | "plans:write"
  /** Accepting, returning and closing plans. */
  | "plans:review"
  /** The monthly briefing book: it names every entity, so the office's readers only. */
  | "briefing:read"
  /** Asking for a month's briefing book to be prepared (or prepared again). */
  | "briefing:prepare";

const everyone: Role[] = ["admin", "executive", "analyst", "focal-point"];

const byRole: Record<Permission, Role[]> = {
  "catalogue:read": everyone,
  "city:read": everyone,
  "entity:read": ["admin", "executive", "analyst", "focal-point"],
  "figures:enter": ["focal-point"],
  "figures:review": ["analyst"],
  "reports:export": ["analyst", "admin"],
  // Everyone who reads pages: a PDF shows what its reader sees, no more (0016-printing.md).
  "reports:print": everyone,
  // Those who read the API for reports, and focal points, whose systems send figures through it.
  "tokens:manage": ["analyst", "admin", "focal-point"],
  "users:manage": ["admin"],
  "definitions:load": ["admin"],
  "periods:lock": ["admin"],
  "notices:read": everyone,
  "outbox:read": ["admin"],
  // Commentary and plans are the entity's to write, the office's analysts' to review.
  "commentary:write": ["focal-point"],
  "commentary:review": ["analyst"],
  "summary:write": ["analyst"],
  "plans:write": ["focal-point"],
  "plans:review": ["analyst"],
  // Every entity's scorecard in one PDF: not for a focal point (0008), who reads their own entity only.
  "briefing:read": ["admin", "executive", "analyst"],
  "briefing:prepare": ["admin", "executive", "analyst"],
};

/** Permissions whose resource is an entity: a focal point holds them for their own entity only. */
const entityScoped = new Set<Permission>(["entity:read", "figures:enter", "commentary:write", "plans:write"]);

export function can(actor: Actor | null, permission: Permission, entityCode?: string): boolean {
  if (!actor) return false;
  if (!byRole[permission]?.includes(actor.role)) return false;
  if (actor.role === "focal-point" && entityScoped.has(permission)) {
    return entityCode !== undefined && entityCode === actor.entityCode;
  }
  return true;
}
