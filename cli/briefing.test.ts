// `npm run kpi -- briefing`: usage errors exit 2, a month without figures exits 1, and a real
// book printed by Debian's Chromium (as the server prints it) lands in the file, every entity in
// it, its contents' links pointing at their pages.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readPdfPages } from "../app/briefing/pdf-pages";
import { chromiumPath } from "../app/exports/pdf.server";
import { BRIEFING_USAGE, runBriefing } from "./briefing";
import { runKpi, USAGE } from "./run";

const ROOT = path.resolve(__dirname, "..");
const NOW = new Date("2026-11-24T10:00:00Z");
const scratch = mkdtempSync(path.join(tmpdir(), "kpi-briefing-test-"));
const DATABASE_PATH = path.join(scratch, "kpi.db");
const env = { DATABASE_PATH, KPI_DEFINITIONS_DIR: path.join(ROOT, "kpi-definitions") };

afterAll(() => {
  globalThis.__smartComplianceDb?.db.$client.close();
  globalThis.__smartComplianceDb = undefined;
  rmSync(scratch, { recursive: true, force: true });
});

async function briefing(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runBriefing(args, { out: (l) => out.push(l), err: (l) => err.push(l), env, now: NOW });
  return { code, out, err };
}

function kpi(args: string[]) {
  return runKpi(args, { out: () => undefined, err: () => undefined, env, now: NOW });
}

describe("kpi briefing", () => {
  it("is in the usage", () => {
    expect(USAGE).toContain("briefing --period YYYY-MM --lang en|ar --out FILE.pdf");
  });

  it.each([
    [[], "kpi briefing needs --period as YYYY-MM"],
    [["--period", "2018-13", "--lang", "en", "--out", "x.pdf"], 'kpi briefing needs --period as YYYY-MM, got "2018-13"'],
    [["--period", "9999-12", "--lang", "en", "--out", "x.pdf"], 'kpi briefing needs --period as YYYY-MM from 1980-01 to 2031-11, got "9999-12"'],
    [["--period", "2018-12", "--lang", "fr", "--out", "x.pdf"], 'kpi briefing needs --lang en or --lang ar, got "fr"'],
    [["--period", "2018-12", "--lang", "ar"], "kpi briefing needs --out FILE.pdf"],
    [["--period", "2018-12", "--colour", "blue"], 'unknown option "--colour"'],
  ])("refuses %j with exit 2 and the usage", async (args, message) => {
    const result = await briefing(args);
    expect(result.code).toBe(2);
    expect(result.out).toEqual([]);
    expect(result.err).toEqual([`${message}\n\n${BRIEFING_USAGE}`]);
  });

  it("exits 1 for a month without approved figures, writing nothing", async () => {
    expect(kpi(["sync"])).toBe(0);
    const out = path.join(scratch, "empty.pdf");
    const result = await briefing(["--period", "2018-12", "--lang", "en", "--out", out]);
    expect(result).toEqual({ code: 1, out: [], err: ["2018-12 has no approved figures: there is no briefing book to print"] });
    expect(existsSync(out)).toBe(false);
  });

  it.skipIf(!chromiumPath())(
    "prints the month's book in Arabic with Chromium: every entity on its page, the contents pointing at them",
    async () => {
      expect(kpi(["import", path.join(ROOT, "tests/fixtures/figures-good.csv")])).toBe(0);
      const period = readFileSync(path.join(ROOT, "tests/fixtures/figures-good.csv"), "utf8").split(/\r?\n/)[1].split(",")[2];
      const out = path.join(scratch, "book-ar.pdf");
      const result = await briefing(["--period", period, "--lang", "ar", "--out", out]);
      expect(result.err).toEqual([]);
      expect(result.code).toBe(0);
      const pdf = readFileSync(out);
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
      const read = readPdfPages(pdf)!;
      expect(result.out).toEqual([expect.stringMatching(new RegExp(`^wrote ${out}: the Arabic briefing book of ${period}, ${read.pages} pages, `))]);
      const entities = [...read.destinations.keys()].filter((k) => k.startsWith("entity-"));
      expect(entities).toHaveLength(21);
      const starts = entities.map((e) => read.destinations.get(e)!);
      // In order, each on a page of its own, none longer than two pages.
      starts.forEach((start, i) => expect((starts[i + 1] ?? read.pages + 1) - start).toBeGreaterThanOrEqual(1));
      starts.forEach((start, i) => expect((starts[i + 1] ?? read.pages + 1) - start).toBeLessThanOrEqual(2));
      let text = "";
      try {
        text = execFileSync("pdftotext", ["-f", String(starts[0]), "-l", String(starts[0]), out, "-"], { encoding: "utf8" });
      } catch {
        return; // poppler-utils not installed: the pages were checked above
      }
      // The first entity's page names it, in Arabic.
      expect(text).toContain("دبي الذكية");
    },
    60_000,
  );
});
