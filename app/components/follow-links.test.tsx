// @vitest-environment jsdom
import { createRemixStub } from "@remix-run/testing";
import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useLocation } from "@remix-run/react";
import { describe, expect, it } from "vitest";
import { useFollowLinks } from "./follow-links";

/** A table of plain links with the one listener, and where the router is. */
function Table() {
  const follow = useFollowLinks();
  const { pathname, search } = useLocation();
  return (
    <>
      <p data-testid="at">{`${pathname}${search}`}</p>
      <table onClick={follow}>
        <tbody>
          <tr>
            <td>
              <a href="/kpis/K01?period=2024-06">
                <span>KPI 1</span>
              </a>
            </td>
            <td>
              <a href="//elsewhere.example/kpis">Elsewhere</a>
            </td>
            <td>
              <a href="/export?format=csv" download="">
                CSV
              </a>
            </td>
            <td>
              <a href="/kpis/K02" target="_blank">
                New tab
              </a>
            </td>
            <td>Not a link</td>
          </tr>
        </tbody>
      </table>
    </>
  );
}

function renderAt(path = "/") {
  const Stub = createRemixStub([
    { path: "/", Component: Table },
    { path: "/kpis/:code", Component: Table },
  ]);
  render(<Stub initialEntries={[path]} />);
}

/**
 * Whether a click was left to the browser (a full load, a new tab, a download): read after every
 * listener of the page, then cancelled, since jsdom cannot load another document.
 */
function leftToBrowser(element: Element, init: MouseEventInit = {}): boolean {
  let left = false;
  const last = (event: Event) => {
    left = !event.defaultPrevented;
    event.preventDefault();
  };
  window.addEventListener("click", last);
  fireEvent.click(element, { button: 0, ...init });
  window.removeEventListener("click", last);
  return left;
}

describe("one listener for a table of plain links", () => {
  it("follows a link within the app through the router, from a click on its text", async () => {
    const user = userEvent.setup();
    renderAt();
    await user.click(await screen.findByText("KPI 1"));
    expect(screen.getByTestId("at")).toHaveTextContent("/kpis/K01?period=2024-06");
  });

  it("follows a link reached and activated by the keyboard", async () => {
    const user = userEvent.setup();
    renderAt();
    await screen.findByRole("link", { name: "KPI 1" });
    await user.tab();
    expect(screen.getByRole("link", { name: "KPI 1" })).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("at")).toHaveTextContent("/kpis/K01?period=2024-06");
  });

  it("leaves a modified click, another origin, a download and a new tab to the browser", async () => {
    renderAt();
    const kpi = await screen.findByRole("link", { name: "KPI 1" });
    for (const modifier of ["ctrlKey", "metaKey", "shiftKey", "altKey"] as const) {
      expect(leftToBrowser(kpi, { [modifier]: true }), modifier).toBe(true);
    }
    expect(leftToBrowser(kpi, { button: 1 }), "middle button").toBe(true);
    expect(leftToBrowser(screen.getByRole("link", { name: "Elsewhere" }))).toBe(true);
    expect(leftToBrowser(screen.getByRole("link", { name: "CSV" }))).toBe(true);
    expect(leftToBrowser(screen.getByRole("link", { name: "New tab" }))).toBe(true);
    expect(leftToBrowser(screen.getByText("Not a link"))).toBe(true);
    expect(screen.getByTestId("at")).toHaveTextContent(/^\/$/);
  });

  it("takes a plain click on a link within the app from the browser", async () => {
    renderAt();
    expect(leftToBrowser(await screen.findByRole("link", { name: "KPI 1" }))).toBe(false);
    expect(await screen.findByTestId("at")).toHaveTextContent("/kpis/K01?period=2024-06");
  });
});
