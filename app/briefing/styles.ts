// The briefing book's stylesheet: A4 landscape pages, a section or entity to a page, small type
// and compact tables so an entity's scorecard, commentary and plans fit one page. Its own, not
// app.css: the book is one self-contained document handed to Chromium (and written by the command
// line, which has no built stylesheet), and paper wants other sizes than a screen. The status
// colours and symbols are the app's (app.css, components/status.tsx).
// Logical properties throughout, so Arabic needs no second stylesheet.

/** The family of the book's Latin faces (declared by fonts.server.ts, inside the document). */
export const LATIN_FAMILY = "Book Sans";

/** A CSS string literal of `text`. */
const cssString = (text: string) => `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, " ")}"`;

/**
 * The page's running foot: the page number in the middle, and the book's title and month at the
 * start of the line (left in English, right in Arabic). None on the cover.
 */
function runningFoot(title: string, rtl: boolean, family: string): string {
  const side = rtl ? "bottom-right" : "bottom-left";
  const font = `font: 8pt ${family}; color: #4f5b6b;`;
  return `
@page {
  size: A4 landscape;
  margin: 10mm 11mm 13mm;
  @bottom-center { content: counter(page); ${font} }
  @${side} { content: ${cssString(title)}; ${font} }
}
@page :first {
  @bottom-center { content: none; }
  @${side} { content: none; }
}`;
}

/**
 * The book's type: Latin in the app's Noto Sans (inside the document), Arabic in DejaVu Sans
 * (fonts.server.ts says why); an Arabic book is set in DejaVu Sans throughout, so its digits and
 * letters match.
 */
const families = (rtl: boolean) => (rtl ? `"DejaVu Sans", sans-serif` : `"${LATIN_FAMILY}", "DejaVu Sans", sans-serif`);

export function bookStyles({ title, rtl }: { title: string; rtl: boolean }): string {
  return `${runningFoot(title, rtl, families(rtl))}
:root {
  --ink: #1b2430;
  --muted: #4f5b6b;
  --line: #d5dbe3;
  --wash: #f3f5f8;
  --accent: #0b5cad;
  font-family: ${families(rtl)};
  font-size: 8.5pt;
  line-height: 1.4;
  color: var(--ink);
  print-color-adjust: exact;
  -webkit-print-color-adjust: exact;
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: inherit; text-decoration: none; }
/* No line-height of their own: with it, Chromium wrote each heading's bookmark twice over
   ("ContentsContents") in a book set in its web font. */
h1, h2, h3 { margin-block: 0 0.4rem; }
h2 { font-size: 14pt; color: var(--accent); }
h3 { font-size: 10pt; }
p { margin-block: 0 0.4rem; }
.visually-hidden {
  position: absolute; inline-size: 1px; block-size: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap;
}
.print-hide, .why, .history-link { display: none !important; }
.muted { color: var(--muted); }
.number { font-variant-numeric: tabular-nums; white-space: nowrap; }
.lead { font-size: 10pt; }
.empty-state { color: var(--muted); font-style: italic; }

.book-section, .book-entity { break-before: page; }
.book-section > h2:first-child, .book-entity > header h2 { border-block-end: 2px solid var(--accent); padding-block-end: 0.2rem; }

/* The cover */
.book-cover {
  block-size: 184mm;
  display: flex;
  flex-direction: column;
  justify-content: center;
  gap: 0.6rem;
  padding-inline: 12mm;
  border-inline-start: 6mm solid var(--accent);
}
.book-cover .book-office { font-size: 13pt; color: var(--muted); margin: 0; }
.book-cover h1 { font-size: 30pt; color: var(--accent); margin: 0; }
.book-cover .book-month { font-size: 20pt; font-weight: 700; margin: 0; }
.book-cover .edition-note { font-size: 11pt; max-inline-size: 200mm; padding: 0.4rem 0.8rem; border: 1px solid var(--line); border-inline-start-width: 4px; }
.book-cover .edition-published { border-inline-start-color: var(--accent); }
.book-cover .edition-provisional { border-style: dashed; border-inline-start-style: solid; border-inline-start-color: #5c4300; background: #fff4d6; color: #5c4300; }
.book-cover .book-prepared { font-size: 11pt; color: var(--muted); }

/* Contents */
.book-contents ol { list-style: none; margin: 0; padding: 0; }
.book-contents li { display: flex; align-items: baseline; gap: 0.4rem; padding-block: 0.12rem; break-inside: avoid; }
.book-contents li a { flex: 0 1 auto; }
.book-contents .book-leader { flex: 1 1 auto; border-block-end: 1px dotted #8a94a3; min-inline-size: 1rem; }
.book-contents .book-page-number { flex: 0 0 auto; min-inline-size: 2.2em; text-align: end; font-variant-numeric: tabular-nums; }
.book-contents > ol { font-size: 10.5pt; }
.book-contents > ol > li:not(.book-contents-group) { max-inline-size: 170mm; }
.book-contents .book-contents-entities { columns: 2; column-gap: 12mm; font-size: 9pt; margin-block-start: 0.3rem; }
.book-contents .book-contents-group { display: block; }
.book-contents .book-contents-group > span { font-weight: 700; }

/* Tables */
.table-scroll { overflow: visible; }
.data-table { inline-size: 100%; border-collapse: collapse; font-size: 7.5pt; }
.data-table th, .data-table td { text-align: start; vertical-align: top; padding-block: 0.15rem; padding-inline: 0.3rem; border-block-end: 1px solid var(--line); }
.data-table thead th { background: var(--wash); color: var(--muted); font-weight: 600; }
.data-table tbody th { font-weight: 600; }
.data-table caption { text-align: start; font-weight: 700; padding-block: 0.2rem; }
.data-table caption.visually-hidden { padding: 0; }
thead { display: table-header-group; }
tr { break-inside: avoid; }

.status {
  display: inline-flex; align-items: center; gap: 0.2rem;
  padding-inline: 0.3rem; border-radius: 3px; font-weight: 600; white-space: nowrap; border: 1px solid transparent;
}
.status-met { background: #d7ebf7; color: #004b7a; border-color: #0072b2; }
.status-on-track { background: #dff3ee; color: #00573f; border-color: #009e73; }
.status-at-risk { background: #fdf0d5; color: #6b4600; border-color: #e69f00; }
.status-off-track { background: #f9e0d4; color: #8a2c00; border-color: #d55e00; }
.status-no-data, .status-no-target { background: #eeeeee; color: #444444; border-color: #999999; }
.count-chip { display: inline-flex; align-items: center; gap: 0.15rem; margin-inline-end: 0.35rem; white-space: nowrap; }
.badge { display: inline-block; margin-inline-start: 0.3rem; padding-inline: 0.25rem; border: 1px solid var(--line); border-radius: 3px; font-size: 7pt; color: var(--muted); font-weight: 400; }
.timeliness { font-weight: 600; }
.timeliness-late, .timeliness-missing { color: #8a2c00; }
.timeliness-on-time { color: #00573f; }
.plan-state { white-space: nowrap; font-weight: 600; }
.plan-state-returned, .plan-overdue { color: #8a2c00; }
.plan-owed { color: #6b4600; font-weight: 600; }
.followup-note { margin-block-start: 0.1rem; font-size: 7pt; }
.sparkline { color: var(--accent); overflow: visible; vertical-align: middle; }

/* The executive summary: the office's own words, set to be read first */
#summary .commentary-text { font-size: 11pt; line-height: 1.5; }
#summary > p { font-size: 9.5pt; }

/* The headline */
.book-headline-facts { display: grid; grid-template-columns: auto 1fr; gap: 0.15rem 1rem; margin: 0 0 0.4rem; font-size: 9pt; }
.book-headline-facts dt { color: var(--muted); }
.book-headline-facts dd { margin: 0; }
.book-headline-value { font-size: 20pt; font-weight: 700; margin-inline-end: 0.6rem; }
.book-headline-main { display: flex; align-items: center; gap: 0.5rem; margin-block-end: 0.3rem; }
.static-chart { margin: 0.3rem 0 0; }
.static-chart svg { display: block; overflow: visible; font-family: ${families(rtl)}; }
.static-chart-legend { display: flex; gap: 1.2rem; justify-content: center; font-size: 8pt; margin-block-start: 0.2rem; }
.static-chart-key { display: inline-flex; align-items: center; gap: 0.3rem; }

/* The heatmap: every entity against every KPI on one page */
.heatmap { inline-size: auto; min-inline-size: 100%; }
.heatmap th, .heatmap td { padding-block: 0.1rem; padding-inline: 0.2rem; vertical-align: middle; }
.heatmap thead th:not(:first-child) { white-space: nowrap; writing-mode: vertical-rl; transform: rotate(180deg); text-align: start; vertical-align: bottom; }
.heatmap abbr { text-decoration: none; font-family: "DejaVu Sans Mono", monospace; font-size: 6.5pt; }
.heatmap tbody th { font-weight: 600; }
.heatmap td.heatmap-cell { text-align: center; border-inline-start: 1px solid #ffffff; }
.heatmap td.heatmap-cell:not(.heatmap-not-reported)::before {
  display: inline-block; padding-inline: 0.25rem; border-radius: 3px; border: 1px solid var(--badge-line);
  background: var(--badge-wash); color: var(--badge-ink); font-weight: 600; line-height: 1.3;
}
.heatmap td.heatmap-met::before { content: "✔"; }
.heatmap td.heatmap-on-track::before { content: "↗"; }
.heatmap td.heatmap-at-risk::before { content: "!"; }
.heatmap td.heatmap-off-track::before { content: "✖"; }
.heatmap td.heatmap-no-data::before { content: "?"; }
.heatmap td.heatmap-no-target::before { content: "–"; }
.heatmap td.heatmap-met { background: #b9dbf0; --badge-wash: #d7ebf7; --badge-ink: #004b7a; --badge-line: #0072b2; }
.heatmap td.heatmap-on-track { background: #c4e8dd; --badge-wash: #dff3ee; --badge-ink: #00573f; --badge-line: #009e73; }
.heatmap td.heatmap-at-risk { background: #f8e0ad; --badge-wash: #fdf0d5; --badge-ink: #6b4600; --badge-line: #e69f00; }
.heatmap td.heatmap-off-track { background: #f2c3ab; --badge-wash: #f9e0d4; --badge-ink: #8a2c00; --badge-line: #d55e00; }
.heatmap td.heatmap-no-data, .heatmap td.heatmap-no-target { background: #e2e2e2; --badge-wash: #eeeeee; --badge-ink: #444444; --badge-line: #999999; }
/* Not reported: blank with a dot, unlike the grey "no data" (the app's hatching would be printed as
   an image per cell: megabytes for one page). */
.heatmap td.heatmap-not-reported { background: #ffffff; color: #8a94a3; }
.heatmap td.heatmap-not-reported::before, .book-not-reported::before { content: "·"; font-weight: 700; }
.book-not-reported { display: inline-block; min-inline-size: 1.2rem; text-align: center; border: 1px solid var(--line); color: #8a94a3; }
.book-key { display: flex; flex-wrap: wrap; gap: 0.3rem 0.8rem; margin-block-start: 0.4rem; font-size: 7.5pt; }

/* The plans due or overdue */
.follow-up-kpis, .late-actions { margin: 0; padding-inline-start: 1rem; }
.follow-up-kpis { list-style: none; padding-inline-start: 0; }
.follow-up-summary h2 { border-block-end: 2px solid var(--accent); padding-block-end: 0.2rem; }

/* An entity's page */
.book-entity > header { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: 0.2rem 1rem; margin-block-end: 0.3rem; }
.book-entity > header h2 { flex: 1 1 100%; margin: 0; }
.book-entity-facts { display: flex; flex-wrap: wrap; gap: 0.2rem 1.4rem; margin: 0; font-size: 8.5pt; }
.book-entity .scorecard th:first-child { inline-size: 22%; }
/* The "why" column (its sentences would take the page) is left off paper. */
.book-entity .scorecard thead th:last-child { display: none; }
.book-entity .scorecard td:nth-last-child(2) { max-inline-size: 30mm; }
.book-label { font-weight: 700; font-size: 9pt; color: var(--accent); margin-block: 0.35rem 0.15rem; }
.book-notes { columns: 2; column-gap: 8mm; }
.book-notes > * { break-inside: avoid; }
.commentary { margin-block-end: 0.3rem; }
.commentary-text { margin-block: 0 0.1rem; white-space: pre-line; }
.commentary-meta { font-size: 7pt; margin: 0; }
.book-kpi-note { margin-block-end: 0.3rem; }
.book-kpi-note > p:first-child { font-weight: 700; margin-block-end: 0.05rem; }
.book-plan { margin-block-end: 0.35rem; }
.book-plan > p:first-child { font-weight: 700; margin-block-end: 0.05rem; }
.book-plan ul { margin: 0; padding-inline-start: 1rem; }
.book-clipped { color: var(--muted); font-style: italic; }
/* Read in a browser, the contents are links to click: each at least WCAG 2.2's 24 px. Only on
   screen: on paper the lines keep their height, and the page numbers theirs. */
@media screen { .book-contents li a { min-block-size: 24px; } }
`;
}
