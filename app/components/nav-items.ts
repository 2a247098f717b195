// The header's links, marked as NavLink marks them, without a NavLink each.

/** A header link's attributes; `end`: only this very address is "here" (the overview, "/"). */
export type NavItem = (
  to: string,
  options?: { end?: boolean; className?: string },
) => { href: string; className?: string; "aria-current"?: "page" };

/**
 * The header's links as NavLink marks them (class "active" and aria-current on the section one
 * is in), worked out from one reading of the location. They are plain anchors followed by the
 * menu's one listener (follow-links.ts): a NavLink resolves its address and reads the location
 * and the navigation through a dozen hooks, and every page had up to eleven of them.
 */
export function navItems(pathname: string): NavItem {
  return (to, { end = false, className } = {}) => {
    const here = pathname === to || (!end && pathname.startsWith(to === "/" ? "/" : `${to}/`));
    if (!here) return { href: to, className };
    return { href: to, className: className ? `${className} active` : "active", "aria-current": "page" };
  };
}
