import { useNavigate } from "@remix-run/react";
import type { MouseEvent } from "react";

/**
 * One click listener for a table (or menu) of plain links (`<a href="/…">`), which follows them
 * through the router: a page change, not a full load, as a `<Link>` would. A table of many links
 * uses this rather than a `<Link>` per cell because each `<Link>` costs the server about 28 µs to
 * render (it resolves its path twice, through a dozen hooks): a scorecard's hundred links were a
 * quarter of the page's time (decision 27). The keyboard activates a link by clicking it, so it
 * takes the same path. Without JavaScript, or with a modifier key, the link is an ordinary link;
 * only links within the app (an href starting with one "/") are taken.
 */
export function useFollowLinks(): (event: MouseEvent<HTMLElement>) => void {
  const navigate = useNavigate();
  return (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element).closest?.("a[href]");
    const href = link?.getAttribute("href") ?? "";
    if (!link || !href.startsWith("/") || href.startsWith("//") || link.hasAttribute("target") || link.hasAttribute("download")) return;
    event.preventDefault();
    navigate(href);
  };
}
