import { EnvError } from "../app/utils/env.server";
import { runBriefing } from "./briefing";
import { runNotify } from "./notify";
import { runKpi, type Io } from "./run";

const [command, ...rest] = process.argv.slice(2);
const io: Io = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
  now: new Date(),
};
try {
  // The commands that wait: on the network (the mail server), on Chromium (the briefing book).
  process.exitCode =
    command === "notify" ? await runNotify(rest, io) : command === "briefing" ? await runBriefing(rest, io) : runKpi(process.argv.slice(2), io);
} catch (error) {
  if (error instanceof EnvError) {
    console.error(error.message);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
