// Zip bombs built here, byte by byte: the limits must hold against a real one, not a mock.
import { crc32, deflateRawSync, inflateRawSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { buildTemplate, readUploadedFile } from "./upload.server";
import { checkWorkbookZip, WORKBOOK_ZIP_LIMITS } from "./zip-limits.server";

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const SHEET = "xl/worksheets/sheet1.xml";
const MiB = 1024 * 1024;
const UPLOAD_MAX_BYTES_DEFAULT = 1_048_576;

interface Part {
  name: string;
  /** What the part unpacks to; left out when `packed` is given for a part too large to hold. */
  data?: Uint8Array;
  packed?: Uint8Array;
  method?: 0 | 8;
  /** The header's claims, when they are meant to lie. */
  declaredSize?: number;
  crc?: number;
}

/** A minimal zip writer: local headers, data, central directory, end record. */
function zip(parts: Part[], end: { entries?: number } = {}): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const method = part.method ?? 8;
    const name = Buffer.from(part.name, "utf8");
    const packed = part.packed ?? (method === 8 ? deflateRawSync(part.data!) : part.data!);
    const size = part.declaredSize ?? part.data?.byteLength ?? 0;
    const crc = part.crc ?? (part.data ? crc32(part.data) : 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.byteLength, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.byteLength, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.byteLength, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.byteLength, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(packed));
    centrals.push(central, name);
    offset += local.byteLength + name.byteLength + packed.byteLength;
  }
  const directory = Buffer.concat(centrals);
  const record = Buffer.alloc(22);
  record.writeUInt32LE(0x06054b50, 0);
  record.writeUInt16LE(end.entries ?? parts.length, 8);
  record.writeUInt16LE(end.entries ?? parts.length, 10);
  record.writeUInt32LE(directory.byteLength, 12);
  record.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, record]));
}

/** The parts of a zip exceljs wrote, to be written again with one of them swapped. */
function unzip(bytes: Uint8Array): Part[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const parts: Part[] = [];
  let at = buf.readUInt32LE(end + 16);
  for (let i = 0; i < buf.readUInt16LE(end + 10); i++) {
    const method = buf.readUInt16LE(at + 10) as 0 | 8;
    const packedSize = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const name = buf.toString("utf8", at + 46, at + 46 + nameLength);
    const local = buf.readUInt32LE(at + 42);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const packed = buf.subarray(start, start + packedSize);
    parts.push({ name, method: 8, data: method === 8 ? inflateRawSync(packed) : packed });
    at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return parts;
}

const xlsx = (bytes: Uint8Array) => ({ name: "figures.xlsx", type: XLSX_TYPE, bytes });

/** A sheet whose XML is `spaces` bytes of blanks between valid tags: a bomb exceljs would open. */
function bombSheet(spaces: number): { packed: Buffer; size: number; crc: number } {
  const xml = Buffer.concat([
    Buffer.from('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'),
    Buffer.alloc(spaces, 0x20),
    Buffer.from("</sheetData></worksheet>"),
  ]);
  return { packed: deflateRawSync(xml, { level: 9 }), size: xml.byteLength, crc: crc32(xml) };
}

let template: Uint8Array;
let templateParts: Part[];
let bomb: ReturnType<typeof bombSheet>;

beforeAll(async () => {
  template = new Uint8Array(
    await buildTemplate({
      entity: "RTA",
      period: "2018-12",
      kpis: [{ code: "SMART_ADOPTION", nameEn: "Smart adoption", nameAr: "التبني الذكي", measure: "ratio", unit: "percent" }],
      rightToLeft: false,
    }),
  );
  templateParts = unzip(template);
  // About 200 MB of sheet in about 200 KB: what the reported 933 KB file did at 240 MB.
  bomb = bombSheet(200 * MiB);
}, 30_000);

/** The template with its sheet swapped for `sheet`. */
function templateWith(sheet: Part): Uint8Array {
  expect(templateParts.map((p) => p.name)).toContain(SHEET);
  return zip(templateParts.map((p) => (p.name === SHEET ? sheet : p)));
}

/** Runs `read` and gives its answer, the time it took and how far the process's memory grew. */
async function measured<T>(read: () => Promise<T>): Promise<{ value: T; ms: number; grewBy: number }> {
  const rss = process.memoryUsage().rss;
  const started = performance.now();
  const value = await read();
  return { value, ms: performance.now() - started, grewBy: process.memoryUsage().rss - rss };
}

describe("readUploadedFile: a workbook that unpacks too far", () => {
  it("refuses an xlsx whose sheet inflates past the limit, quickly and without the memory", async () => {
    const bytes = templateWith({ name: SHEET, packed: bomb.packed, declaredSize: bomb.size, crc: bomb.crc });
    expect(bytes.byteLength).toBeLessThan(UPLOAD_MAX_BYTES_DEFAULT);
    const { value, ms, grewBy } = await measured(() => readUploadedFile(xlsx(bytes)));
    expect(value.rows).toEqual([]);
    expect(value.errors.map((e) => [e.line, e.code])).toEqual([[1, "too-large-unpacked"]]);
    expect(ms).toBeLessThan(500);
    // exceljs took 2.5 GB for this; the check may spend its 20 MB budget and no more.
    expect(grewBy).toBeLessThan(100 * MiB);
  });

  it("refuses an xlsx whose header claims a small sheet that inflates to 200 MB, within the budget", async () => {
    const bytes = templateWith({ name: SHEET, packed: bomb.packed, declaredSize: 4096, crc: bomb.crc });
    const { value, ms, grewBy } = await measured(() => readUploadedFile(xlsx(bytes)));
    expect(value.errors.map((e) => e.code)).toEqual(["too-large-unpacked"]);
    expect(ms).toBeLessThan(500);
    expect(grewBy).toBeLessThan(100 * MiB);
  });

  it("still reads the template once it is written again by this test's zip writer", async () => {
    // The writer is the one the bombs come from: a bomb refused by a broken writer proves nothing.
    const { rows, errors } = await readUploadedFile(xlsx(zip(templateParts)));
    expect(errors).toEqual([]);
    expect(rows.map((r) => [r.raw.entity, r.raw.kpi, r.raw.period])).toEqual([["RTA", "SMART_ADOPTION", "2018-12"]]);
  });

  it("still reads the template exceljs wrote, and passes its zip with room to spare", async () => {
    const verdict = checkWorkbookZip(template);
    expect(verdict).toMatchObject({ ok: true });
    if (verdict.ok) expect(verdict.unpackedBytes).toBeLessThan(WORKBOOK_ZIP_LIMITS.maxUnpackedBytes / 100);
    const { rows, errors } = await readUploadedFile(xlsx(template));
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(1);
  });

  it("says a .xlsx that is not a zip at all is not a readable workbook, not that it is not CSV", async () => {
    const { errors } = await readUploadedFile(xlsx(new TextEncoder().encode("entity,kpi,period\nRTA,X,2018-12\n")));
    expect(errors.map((e) => e.code)).toEqual(["unreadable-workbook"]);
  });
});

const small = (name: string, text = "<x/>") => ({ name, data: new TextEncoder().encode(text) });

describe("checkWorkbookZip", () => {
  it("refuses more than 100 parts before inflating any", () => {
    const parts = Array.from({ length: 101 }, (_, i) => small(`part${i}.xml`));
    expect(checkWorkbookZip(zip(parts))).toMatchObject({ ok: false, problem: "too-large-unpacked" });
    expect(checkWorkbookZip(zip(parts.slice(0, 100)))).toMatchObject({ ok: true, entries: 100 });
  });

  it("refuses a part that declares more than the whole budget", () => {
    const bytes = zip([{ name: SHEET, packed: deflateRawSync(Buffer.from("<x/>")), declaredSize: 2 ** 31 }]);
    expect(checkWorkbookZip(bytes)).toMatchObject({ ok: false, problem: "too-large-unpacked" });
  });

  it("refuses parts that together declare more than the budget though each is under it", () => {
    const half = Buffer.alloc(WORKBOOK_ZIP_LIMITS.maxUnpackedBytes / 2 + 1, 0x41);
    const packed = deflateRawSync(half);
    const parts = ["a.xml", "b.xml"].map((name) => ({ name, packed, declaredSize: half.byteLength, crc: crc32(half) }));
    const verdict = checkWorkbookZip(zip(parts));
    expect(verdict).toMatchObject({ ok: false, problem: "too-large-unpacked" });
    if (!verdict.ok) expect(verdict.reason).toMatch(/declare/);
  });

  it("refuses a part that declares an absurd compression ratio", () => {
    const sheet = bombSheet(2 * MiB);
    expect(sheet.size / sheet.packed.byteLength).toBeGreaterThan(WORKBOOK_ZIP_LIMITS.maxRatio);
    const verdict = checkWorkbookZip(zip([{ name: SHEET, packed: sheet.packed, declaredSize: sheet.size, crc: sheet.crc }]));
    expect(verdict).toMatchObject({ ok: false, problem: "too-large-unpacked" });
    if (!verdict.ok) expect(verdict.reason).toMatch(/to 1/);
  });

  it("counts a stored part's bytes against the budget", () => {
    const stored = { name: "big.bin", method: 0 as const, data: new Uint8Array(WORKBOOK_ZIP_LIMITS.maxUnpackedBytes + 1) };
    expect(checkWorkbookZip(zip([stored]))).toMatchObject({ ok: false, problem: "too-large-unpacked" });
    const fits = { ...stored, data: new Uint8Array(1000) };
    expect(checkWorkbookZip(zip([fits]))).toMatchObject({ ok: true, unpackedBytes: 1000 });
  });

  it("refuses a part whose header understates a size that is still within the budget", () => {
    const data = Buffer.alloc(64 * 1024, 0x41);
    const verdict = checkWorkbookZip(zip([{ name: SHEET, packed: deflateRawSync(data), declaredSize: 10, crc: crc32(data) }]));
    expect(verdict).toMatchObject({ ok: false, problem: "unreadable" });
  });

  it("refuses ZIP64, encrypted parts and a damaged deflate stream as unreadable", () => {
    const zip64 = Buffer.from(zip([small("a.xml")]));
    zip64.writeUInt16LE(0xffff, zip64.byteLength - 22 + 10);
    expect(checkWorkbookZip(zip64)).toMatchObject({ ok: false, problem: "unreadable", reason: "ZIP64 archive" });

    const encrypted = Buffer.from(zip([small("a.xml")]));
    const central = encrypted.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    encrypted.writeUInt16LE(1, central + 8);
    expect(checkWorkbookZip(encrypted)).toMatchObject({ ok: false, problem: "unreadable" });

    const packed = deflateRawSync(Buffer.alloc(10_000, 0x41));
    const truncated = zip([{ name: "a.xml", packed: packed.subarray(0, 5), declaredSize: 10_000 }]);
    expect(checkWorkbookZip(truncated)).toMatchObject({ ok: false, problem: "unreadable" });
  });

  it("refuses bytes that are not a zip, and a zip with data before its directory moved", () => {
    expect(checkWorkbookZip(new Uint8Array(0))).toMatchObject({ ok: false, problem: "unreadable" });
    expect(checkWorkbookZip(new TextEncoder().encode("PK\u0005\u0006 nearly"))).toMatchObject({ ok: false, problem: "unreadable" });
    const shifted = Buffer.concat([Buffer.from("junk"), Buffer.from(zip([small("a.xml")]))]);
    expect(checkWorkbookZip(shifted)).toMatchObject({ ok: false, problem: "unreadable" });
  });
});
