import type { ReactNode } from "react";

/**
 * The sideways-scrolling box around a table with nothing in it to focus (no link, no field). On
 * a phone, or a desktop zoomed in, the table is wider than its box, and a keyboard can scroll
 * only a box that takes the focus itself (WCAG 2.1.1; axe's scrollable-region-focusable). A
 * table with links needs none of this: a focused link scrolls itself into view. The box is named
 * by the table's caption (`labelledBy`), so a screen reader says what has the focus; a group, not
 * a region, so it adds no landmark.
 */
export function TableScroll({ labelledBy, children }: { labelledBy: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="group" aria-labelledby={labelledBy} tabIndex={0}>
      {children}
    </div>
  );
}
