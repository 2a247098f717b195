import { getDatabase, type Db } from "../../db/index";
import { env } from "./env.server";

/** The app's one connection, to the file named by DATABASE_PATH. */
export function db(): Db {
  return getDatabase(env().DATABASE_PATH);
}
