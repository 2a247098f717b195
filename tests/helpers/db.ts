// A real SQLite file per test file, migrated in the test process: no mocked database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, type Db } from "../../db/index";

export interface TestDatabase {
  db: Db;
  file: string;
  dir: string;
  close: () => void;
}

export function createTestDatabase(): TestDatabase {
  const dir = mkdtempSync(path.join(tmpdir(), "smart-compliance-test-"));
  const file = path.join(dir, "test.db");
  const db = openDatabase(file);
  return {
    db,
    file,
    dir,
    close: () => {
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
