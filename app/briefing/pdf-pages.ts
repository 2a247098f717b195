// Which page each part of a printed book landed on, read from the PDF Chromium wrote: the
// contents links (`<a href="#entity-RTA">`) become the PDF's named destinations, each naming the
// page object its target is on, and the page tree gives each page object its number. Chromium's
// PDF (Skia) writes plain dictionaries and a classic cross-reference table, so a few dozen lines
// read it; no PDF library is needed.

export interface PdfPages {
  /** How many pages the PDF has. */
  pages: number;
  /** Each named destination's page, counting from 1. */
  destinations: Map<string, number>;
}

/** The PDF's page count and the page of each named destination; null when it cannot be read. */
export function readPdfPages(pdf: Uint8Array): PdfPages | null {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString("latin1");
  const offsets = objectOffsets(text);
  const object = (n: number): string | null => {
    const at = offsets.get(n);
    if (at === undefined) return null;
    const head = /^\s*\d+\s+\d+\s+obj\s*/.exec(text.slice(at, at + 64));
    return head ? dictionaryAt(text, at + head[0].length) : null;
  };
  const trailerAt = text.lastIndexOf("trailer");
  const trailer = trailerAt >= 0 ? dictionaryAt(text, text.indexOf("<<", trailerAt)) : null;
  const root = trailer ? ref(trailer, "Root") : null;
  const catalog = root === null ? null : object(root);
  if (!catalog) return null;

  // The page tree, depth first: Skia groups pages eight to a node.
  const pageObjects: number[] = [];
  const walk = (n: number, depth: number) => {
    const node = object(n);
    if (!node || depth > 32) return;
    if (/\/Type\s*\/Pages\b/.test(node)) {
      const kids = /\/Kids\s*\[([^\]]*)\]/.exec(node)?.[1] ?? "";
      for (const kid of kids.matchAll(/(\d+)\s+\d+\s+R/g)) walk(Number(kid[1]), depth + 1);
    } else if (/\/Type\s*\/Page\b/.test(node)) {
      pageObjects.push(n);
    }
  };
  const pagesRoot = ref(catalog, "Pages");
  if (pagesRoot === null) return null;
  walk(pagesRoot, 0);
  const pageNumber = new Map(pageObjects.map((n, i) => [n, i + 1]));

  const destinations = new Map<string, number>();
  const destsRef = ref(catalog, "Dests");
  const inline = catalog.search(/\/Dests\s*<</);
  const dests = destsRef !== null ? object(destsRef) : inline >= 0 ? dictionaryAt(catalog, catalog.indexOf("<<", inline)) : null;
  for (const entry of (dests ?? "").matchAll(/\/([^\s/[\]<>()]+)\s*\[\s*(\d+)\s+\d+\s+R/g)) {
    const page = pageNumber.get(Number(entry[2]));
    if (page !== undefined) destinations.set(decodeName(entry[1]), page);
  }
  return { pages: pageObjects.length, destinations };
}

/** `/Key N 0 R` in a dictionary: N. */
function ref(dictionary: string, key: string): number | null {
  const found = new RegExp(`/${key}\\s+(\\d+)\\s+\\d+\\s+R`).exec(dictionary);
  return found ? Number(found[1]) : null;
}

/** A name's #xx escapes decoded. */
function decodeName(name: string): string {
  return name.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Object number → byte offset, from the cross-reference table; by scanning when there is none. */
function objectOffsets(text: string): Map<number, number> {
  const offsets = new Map<number, number>();
  const start = /startxref\s+(\d+)/.exec(text.slice(text.lastIndexOf("startxref")));
  const at = start ? Number(start[1]) : -1;
  if (at >= 0 && text.startsWith("xref", at)) {
    const section = /^xref\s+/.exec(text.slice(at, at + 16))!;
    let cursor = at + section[0].length;
    for (;;) {
      const header = /^(\d+)\s+(\d+)\s*\r?\n/.exec(text.slice(cursor, cursor + 32));
      if (!header) break;
      cursor += header[0].length;
      const first = Number(header[1]);
      const count = Number(header[2]);
      for (let i = 0; i < count; i++) {
        const line = text.slice(cursor, cursor + 20);
        if (line[17] === "n") offsets.set(first + i, Number(line.slice(0, 10)));
        cursor += 20;
      }
    }
  }
  if (offsets.size === 0) {
    for (const found of text.matchAll(/(?:^|[\r\n])(\d+)\s+\d+\s+obj\b/g)) {
      offsets.set(Number(found[1]), found.index + found[0].length - found[0].trimStart().length);
    }
  }
  return offsets;
}

/** The dictionary `<< … >>` starting at `at`, nested dictionaries and strings included; null if none. */
function dictionaryAt(text: string, at: number): string | null {
  if (at < 0 || !text.startsWith("<<", at)) return null;
  let depth = 0;
  for (let i = at; i < text.length && i < at + 1_000_000; i++) {
    const c = text[i];
    if (c === "(") {
      // A literal string: parentheses nest, a backslash escapes the next character.
      let open = 1;
      for (i++; i < text.length && open > 0; i++) {
        if (text[i] === "\\") i++;
        else if (text[i] === "(") open++;
        else if (text[i] === ")") open--;
      }
      i--;
    } else if (c === "<" && text[i + 1] !== "<") {
      // A hex string: its closing ">" must not be read as half of a dictionary's ">>".
      i = text.indexOf(">", i);
      if (i < 0) return null;
    } else if (c === "<" && text[i + 1] === "<") {
      depth++;
      i++;
    } else if (c === ">" && text[i + 1] === ">") {
      depth--;
      i++;
      if (depth === 0) return text.slice(at, i + 1);
    }
  }
  return null;
}
