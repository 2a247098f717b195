// Shared by the pages (their forms' limits) and the server (which enforces them).

/** The executive summary's entity code: one key shape for every subject of commentary. */
export const CITY = "city";
/** What a person may write in one field of commentary or a plan: a few paragraphs, not a document. */
export const COMMENTARY_MAX = 4000;
export const PLAN_TEXT_MAX = 4000;
/** An action's title, owner or progress note. */
export const ACTION_TEXT_MAX = 500;
/** Actions in one plan. */
export const ACTIONS_MAX = 20;
