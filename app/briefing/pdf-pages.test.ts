import { describe, expect, it } from "vitest";
import { fakePdf } from "../../tests/helpers/fake-pdf";
import { readPdfPages } from "./pdf-pages";

describe("reading a printed book's pages back", () => {
  it("counts the pages and finds each named destination's page", () => {
    const read = readPdfPages(fakePdf(5, { summary: 3, "entity-RTA": 5, contents: 2 }));
    expect(read).toEqual({ pages: 5, destinations: new Map([["summary", 3], ["entity-RTA", 5], ["contents", 2]]) });
  });

  it("walks a page tree nested as Skia nests it, eight to a node, in order", () => {
    const read = readPdfPages(fakePdf(147, { a: 1, b: 8, c: 9, d: 64, e: 65, f: 146, g: 147 }));
    expect(read?.pages).toBe(147);
    expect(Object.fromEntries(read!.destinations)).toEqual({ a: 1, b: 8, c: 9, d: 64, e: 65, f: 146, g: 147 });
  });

  it("decodes a name's #xx escapes", () => {
    expect(readPdfPages(fakePdf(2, { "entity-A#2DB": 2 }))?.destinations.get("entity-A-B")).toBe(2);
  });

  it("finds the objects by scanning when the cross-reference table is damaged", () => {
    const pdf = fakePdf(3, { x: 3 }).toString("latin1").replace(/startxref\n\d+/, "startxref\n9");
    expect(readPdfPages(Buffer.from(pdf, "latin1"))?.destinations.get("x")).toBe(3);
  });

  it("answers null for what is not a PDF, and no destinations for a PDF without links", () => {
    expect(readPdfPages(Buffer.from("<html>not a pdf</html>"))).toBeNull();
    expect(readPdfPages(fakePdf(2, {}))).toEqual({ pages: 2, destinations: new Map() });
  });
});
