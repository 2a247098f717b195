// `npm run dev` runs this first, so the dev server also starts on a ready database. Kept apart
// from prepare.ts: the production server carries that module in its bundle, where a check of
// "am I the script being run" would be true of the server itself.
import { EnvError, parseEnv } from "../app/utils/env.server";
import { prepareDatabase } from "./prepare";

try {
  prepareDatabase(parseEnv(process.env)).$client.close();
} catch (error) {
  console.error(error instanceof EnvError ? error.message : error);
  process.exitCode = 1;
}
