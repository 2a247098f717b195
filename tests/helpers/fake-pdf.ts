// A small PDF as Chromium (Skia) writes one: plain dictionaries, a page tree (nested `fanout` to
// a node, as Skia nests eight), the named destinations of a document's links, a classic
// cross-reference table. For testing what reads pages back from a printed book without printing.

/** A PDF of `pages` empty pages whose named destination `name` points at page `dests[name]` (from 1). */
export function fakePdf(pages: number, dests: Record<string, number>, fanout = 8): Buffer {
  const objects: string[] = [""];
  const add = (text: string) => objects.push(text) - 1;
  const catalog = add("");
  const pageIds = Array.from({ length: pages }, () => add(""));
  // The tree, bottom up: groups of `fanout` under a Pages node, until one root is left.
  let level = pageIds.map((id) => ({ id, count: 1 }));
  do {
    const next: Array<{ id: number; count: number }> = [];
    for (let i = 0; i < level.length; i += fanout) {
      const kids = level.slice(i, i + fanout);
      const count = kids.reduce((sum, k) => sum + k.count, 0);
      next.push({ id: add(`<</Type /Pages\n/Count ${count}\n/Kids [${kids.map((k) => `${k.id} 0 R`).join(" ")}]>>`), count });
    }
    level = next;
  } while (level.length > 1);
  const root = level[0].id;
  for (const id of pageIds) objects[id] = `<</Type /Page\n/MediaBox [0 0 841.92 594.96]\n/Contents (a \\) and a >> in a string)>>`;
  const destsId = add(`<<${Object.entries(dests).map(([name, page]) => `/${name} [${pageIds[page - 1]} 0 R /XYZ 6 579.2 0]`).join("\n")}>>`);
  objects[catalog] = `<</Type /Catalog\n/Pages ${root} 0 R\n/Dests ${destsId} 0 R\n/Outlines <</Title <FEFF0627>>>>>`;
  let out = "%PDF-1.4\n%\u00e2\u00e3\n";
  const offsets: number[] = [];
  for (let i = 1; i < objects.length; i++) {
    offsets[i] = out.length;
    out += `${i} 0 obj\n${objects[i]}\nendobj\n`;
  }
  const xref = out.length;
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n${offsets.slice(1).map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<</Size ${objects.length}\n/Root ${catalog} 0 R>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}
