import { describe, expect, it } from "vitest";
import { navItems } from "./nav-items";

describe("the header's links", () => {
  it("marks the section one is in, as NavLink did: the address itself and anything below it", () => {
    const at = navItems("/kpis/K01");
    expect(at("/kpis")).toEqual({ href: "/kpis", className: "active", "aria-current": "page" });
    expect(navItems("/kpis")("/kpis")["aria-current"]).toBe("page");
    // A longer name that begins the same is another section.
    expect(navItems("/kpis-archive")("/kpis")["aria-current"]).toBeUndefined();
    expect(at("/figures")).toEqual({ href: "/figures", className: undefined });
  });

  it("marks the overview only on the overview itself", () => {
    expect(navItems("/")("/", { end: true })["aria-current"]).toBe("page");
    expect(navItems("/kpis")("/", { end: true })["aria-current"]).toBeUndefined();
  });

  it("keeps a link's own class beside the mark", () => {
    expect(navItems("/notices")("/notices", { className: "notices-link" }).className).toBe("notices-link active");
    expect(navItems("/")("/notices", { className: "notices-link" }).className).toBe("notices-link");
  });
});
