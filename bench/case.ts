// Runs one benchmark case in its own process, so its peak memory is its own.
// Prints one JSON line: median and best times of the case and of its floor, and peak RSS.
import { openDatabase } from "../db/index";
import { CASES } from "./cases";

const [index, file, iterationsArg] = process.argv.slice(2);
const benchCase = CASES[Number(index)];
// The whole-history export takes seconds: fewer runs of it.
const iterations = benchCase.name.startsWith("long CSV") ? 3 : Number(iterationsArg ?? 15);
const WARM_UPS = benchCase.name.startsWith("long CSV") ? 1 : 10;
const db = openDatabase(file);

function time(fn: () => unknown): number[] {
  for (let i = 0; i < WARM_UPS; i++) fn(); // warm the page cache and the JIT, as a running server is
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

const rssBefore = process.resourceUsage().maxRSS;
// Interleaved in one process: the floor and the case see the same machine at the same moment.
const floor = time(() => benchCase.floor(db));
const run = time(() => benchCase.run(db));
const median = (xs: number[]) => xs[Math.floor(xs.length / 2)];
console.log(
  JSON.stringify({
    name: benchCase.name,
    ms: median(run),
    bestMs: run[0],
    floorMs: median(floor),
    floorBestMs: floor[0],
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    baseRssMb: rssBefore / 1024,
  }),
);
db.$client.close();
