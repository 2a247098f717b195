// @vitest-environment jsdom
// Markup a loader made, as the page places it (decision 28): written by the server into the
// document, kept as it is when the browser hydrates (which has no string for it), and written
// again only when the page is given another string (a client navigation).
import { act } from "react";
import { hydrateRoot, type Root } from "react-dom/client";
import { renderToString } from "react-dom/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DocumentMarkupProvider, useServerMarkup, type ServerMarkup } from "./server-markup";
import { shipMarkup } from "./server-markup.server";

function Placed({ markup }: { markup: ServerMarkup }) {
  return <div className="placed" {...useServerMarkup(markup, "placed")} />;
}

/** A page around it, whose first line the browser may render differently from the server. */
function Page({ line, markup }: { line: string; markup: ServerMarkup }) {
  return (
    <main>
      <p>{line}</p>
      <Placed markup={markup} />
    </main>
  );
}

// React's act() warns unless the environment says it supports it.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const TABLE = '<table><tbody><tr><td><a href="/kpis/K01">KPI 1</a></td></tr></tbody></table>';
let root: Root | null = null;

afterEach(() => {
  act(() => root?.unmount());
  root = null;
  document.body.innerHTML = "";
  vi.restoreAllMocks();
});

describe("shipping markup", () => {
  it("leaves it in a document's context, one slot each, and sends it as a string otherwise", () => {
    const documentMarkup: string[] = [];
    expect(shipMarkup({ documentMarkup }, "<p>a</p>")).toEqual({ slot: 0 });
    expect(shipMarkup({ documentMarkup }, "<p>b</p>")).toEqual({ slot: 1 });
    expect(documentMarkup).toEqual(["<p>a</p>", "<p>b</p>"]);
    expect(shipMarkup({}, "<p>a</p>")).toEqual({ html: "<p>a</p>" });
  });
});

describe("placing markup", () => {
  it("writes a document's markup from its slot on the server", () => {
    const html = renderToString(
      <DocumentMarkupProvider value={[TABLE]}>
        <Placed markup={{ slot: 0 }} />
      </DocumentMarkupProvider>,
    );
    expect(html).toBe(`<div class="placed" id="placed">${TABLE}</div>`);
    // A slot the context does not hold places nothing rather than failing.
    expect(
      renderToString(
        <DocumentMarkupProvider value={[]}>
          <Placed markup={{ slot: 3 }} />
        </DocumentMarkupProvider>,
      ),
    ).toBe('<div class="placed" id="placed"></div>');
  });

  it("keeps the table when React gives up hydrating the page over a mismatch elsewhere, and renders it all again", () => {
    const container = document.createElement("div");
    container.innerHTML = renderToString(
      <DocumentMarkupProvider value={[TABLE]}>
        <Page line="Printed 1 December 2026, 10:00" markup={{ slot: 0 }} />
      </DocumentMarkupProvider>,
    );
    document.body.append(container);
    // React reports the mismatch in development; what matters is what the reader is left with.
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const recoverable = vi.fn();
    act(() => {
      root = hydrateRoot(container, <Page line="Printed 1 December 2026, 14:00" markup={{ slot: 0 }} />, { onRecoverableError: recoverable });
    });
    expect(recoverable).toHaveBeenCalled();
    expect(container.querySelector("p")!.textContent).toBe("Printed 1 December 2026, 14:00");
    expect(container.querySelector(".placed")!.innerHTML).toBe(TABLE);
  });

  it("keeps the server's markup through hydration, without a word from React, and replaces it when given another", () => {
    const container = document.createElement("div");
    container.innerHTML = renderToString(
      <DocumentMarkupProvider value={[TABLE]}>
        <Placed markup={{ slot: 0 }} />
      </DocumentMarkupProvider>,
    );
    document.body.append(container);
    const link = container.querySelector("a");
    const errors = vi.spyOn(console, "error");
    const recoverable = vi.fn();

    // The browser has no document context: the slot is all it knows.
    act(() => {
      root = hydrateRoot(container, <Placed markup={{ slot: 0 }} />, { onRecoverableError: recoverable });
    });
    expect(container.querySelector(".placed")!.innerHTML).toBe(TABLE);
    // The very element the server wrote, not a copy made again.
    expect(container.querySelector("a")).toBe(link);
    expect(errors).not.toHaveBeenCalled();
    expect(recoverable).not.toHaveBeenCalled();

    // The same page again (a re-render with its data unchanged) leaves it alone.
    act(() => root!.render(<Placed markup={{ slot: 0 }} />));
    expect(container.querySelector("a")).toBe(link);

    // A client navigation brings the next page's markup as a string.
    act(() => root!.render(<Placed markup={{ html: "<p>the next entity</p>" }} />));
    expect(container.querySelector(".placed")!.innerHTML).toBe("<p>the next entity</p>");
  });
});
