// An .xlsx is a zip, and a zip can unpack to a thousand times its size: a 933 KB upload whose
// sheet inflated to 240 MB held the server for half a minute and 2.5 GB of memory inside
// exceljs. This reads the zip's own directory and inflates every entry against a budget before
// exceljs (JSZip underneath) is handed the bytes, so such a file is refused in milliseconds
// with at most the budget's worth of memory. docs/decisions/0007-upload-limits.md has the
// numbers and why.
import { inflateRawSync } from "node:zlib";

export interface ZipLimits {
  /** A template has about ten parts; Excel's own saves about twenty. */
  maxEntries: number;
  /** What all the parts together may unpack to, counted by actually inflating them. */
  maxUnpackedBytes: number;
  /** Above this size an entry must not unpack to more than `maxRatio` times its packed size. */
  ratioFloorBytes: number;
  maxRatio: number;
}

export const WORKBOOK_ZIP_LIMITS: ZipLimits = {
  maxEntries: 100,
  maxUnpackedBytes: 20 * 1024 * 1024,
  ratioFloorBytes: 1024 * 1024,
  maxRatio: 100,
};

/**
 * "unreadable": not a zip exceljs could read, or one we will not try (ZIP64, encrypted, split,
 * unusual compression, parts that overlap the directory). "too-large-unpacked": a real zip that
 * unpacks past the limits.
 */
export type ZipVerdict =
  | { ok: true; entries: number; unpackedBytes: number }
  | { ok: false; problem: "unreadable" | "too-large-unpacked"; reason: string };

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;
const STORED = 0;
const DEFLATED = 8;

class Refusal extends Error {
  constructor(
    readonly problem: "unreadable" | "too-large-unpacked",
    reason: string,
  ) {
    super(reason);
  }
}

const unreadable = (reason: string) => new Refusal("unreadable", reason);
const tooLarge = (reason: string) => new Refusal("too-large-unpacked", reason);

/** Checks a workbook's zip against `limits`; only a zip that passes goes on to exceljs. */
export function checkWorkbookZip(bytes: Uint8Array, limits: ZipLimits = WORKBOOK_ZIP_LIMITS): ZipVerdict {
  try {
    return { ok: true, ...walk(bytes, limits) };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, problem: error.problem, reason: error.message };
    throw error;
  }
}

function walk(bytes: Uint8Array, limits: ZipLimits): { entries: number; unpackedBytes: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);

  const eocd = findEndOfCentralDirectory(bytes, view);
  if (eocd < 0) throw unreadable("no zip end-of-central-directory record");
  if (eocd >= 20 && u32(eocd - 20) === ZIP64_LOCATOR_SIGNATURE) throw unreadable("ZIP64 archive");
  const disk = u16(eocd + 4);
  const centralDisk = u16(eocd + 6);
  const entriesOnDisk = u16(eocd + 8);
  const entries = u16(eocd + 10);
  const centralSize = u32(eocd + 12);
  const centralOffset = u32(eocd + 16);
  if (entries === 0xffff || centralSize === 0xffffffff || centralOffset === 0xffffffff) {
    throw unreadable("ZIP64 archive");
  }
  if (disk !== 0 || centralDisk !== 0 || entriesOnDisk !== entries) throw unreadable("split archive");
  if (entries > limits.maxEntries) {
    throw tooLarge(`${entries} parts in the archive; at most ${limits.maxEntries}`);
  }
  // JSZip quietly shifts every offset when the directory is not where the record says; holding
  // it to exactly there means we inflate the very bytes JSZip would.
  if (centralOffset + centralSize !== eocd) throw unreadable("central directory is not where the record says");

  // Declared sizes first: a header that admits to a bomb is refused without inflating anything.
  const parts: Array<{ name: string; method: number; packed: number; unpacked: number; local: number }> = [];
  let declaredTotal = 0;
  let at = centralOffset;
  for (let i = 0; i < entries; i++) {
    if (at + CENTRAL_SIZE > eocd || u32(at) !== CENTRAL_SIGNATURE) throw unreadable("damaged central directory");
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const packed = u32(at + 20);
    const unpacked = u32(at + 24);
    const nameLength = u16(at + 28);
    const next = at + CENTRAL_SIZE + nameLength + u16(at + 30) + u16(at + 32);
    const local = u32(at + 42);
    if (next > eocd) throw unreadable("damaged central directory");
    const name = Buffer.from(bytes.buffer, bytes.byteOffset + at + CENTRAL_SIZE, nameLength).toString("utf8");
    if (packed === 0xffffffff || unpacked === 0xffffffff || local === 0xffffffff) throw unreadable("ZIP64 archive");
    if (flags & 0x1) throw unreadable(`${name} is encrypted`);
    if (method !== STORED && method !== DEFLATED) throw unreadable(`${name} uses compression method ${method}`);
    if (unpacked > limits.maxUnpackedBytes) {
      throw tooLarge(`${name} declares ${unpacked} bytes unpacked; at most ${limits.maxUnpackedBytes}`);
    }
    if (unpacked > limits.ratioFloorBytes && unpacked > packed * limits.maxRatio) {
      throw tooLarge(`${name} declares ${unpacked} bytes from ${packed}: more than ${limits.maxRatio} to 1`);
    }
    declaredTotal += unpacked;
    if (declaredTotal > limits.maxUnpackedBytes) {
      throw tooLarge(`the parts declare more than ${limits.maxUnpackedBytes} bytes unpacked`);
    }
    parts.push({ name, method, packed, unpacked, local });
    at = next;
  }
  if (at !== eocd) throw unreadable("damaged central directory");

  // Then what the parts really hold: a lying header costs at most the remaining budget.
  let unpackedBytes = 0;
  for (const part of parts) {
    const header = part.local;
    if (header + LOCAL_SIZE > centralOffset || u32(header) !== LOCAL_SIGNATURE) {
      throw unreadable(`${part.name}: damaged local header`);
    }
    const start = header + LOCAL_SIZE + u16(header + 26) + u16(header + 28);
    const end = start + part.packed;
    if (end > centralOffset) throw unreadable(`${part.name}: data runs into the central directory`);
    const data = bytes.subarray(start, end);
    const remaining = limits.maxUnpackedBytes - unpackedBytes;
    let size: number;
    if (part.method === STORED) {
      size = part.packed;
    } else {
      try {
        // One byte past the budget is enough to know it is over; maxOutputLength must be ≥ 1.
        size = inflateRawSync(data, { maxOutputLength: remaining + 1 }).byteLength;
      } catch (error) {
        if (error instanceof RangeError) throw tooLarge(`${part.name} unpacks to more than ${remaining} bytes`);
        throw unreadable(`${part.name}: ${(error as Error).message}`);
      }
    }
    if (size > remaining) throw tooLarge(`${part.name} unpacks past ${limits.maxUnpackedBytes} bytes in all`);
    if (size > limits.ratioFloorBytes && size > part.packed * limits.maxRatio) {
      throw tooLarge(`${part.name} unpacks to ${size} bytes from ${part.packed}: more than ${limits.maxRatio} to 1`);
    }
    if (size !== part.unpacked) {
      throw unreadable(`${part.name} unpacks to ${size} bytes but declares ${part.unpacked}`);
    }
    unpackedBytes += size;
  }
  return { entries, unpackedBytes };
}

/**
 * The last end-of-central-directory signature, as JSZip finds it, so both read the same
 * directory; a comment that does not end exactly at the end of the file is refused.
 */
function findEndOfCentralDirectory(bytes: Uint8Array, view: DataView): number {
  const lowest = Math.max(0, bytes.byteLength - EOCD_SIZE - MAX_COMMENT);
  for (let at = bytes.byteLength - EOCD_SIZE; at >= lowest; at--) {
    if (view.getUint32(at, true) !== EOCD_SIGNATURE) continue;
    return at + EOCD_SIZE + view.getUint16(at + 20, true) === bytes.byteLength ? at : -1;
  }
  return -1;
}
