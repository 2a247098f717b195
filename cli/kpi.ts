import { EnvError } from "../app/utils/env.server";
import { runKpi } from "./run";

try {
  process.exitCode = runKpi(process.argv.slice(2), {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    env: process.env,
    now: new Date(),
  });
} catch (error) {
  if (error instanceof EnvError) {
    console.error(error.message);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
