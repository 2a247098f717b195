// The floor of `kpi import`: what loading the same CSV costs with nothing but SQLite doing work.
// Reads the file, splits it (quotes honoured), derives a ratio's value from its numerator and
// denominator, and runs the same two statements the import runs for each row (the figure and its
// history row, as the contract's audit trail requires), each prepared once, in one transaction,
// into plain copies of the figures and figure_history tables (same columns and indexes, WAL as
// the app; no foreign keys enforced, no validation, no existing rows to replace).
//
// Usage: node --import tsx bench/import-floor.ts FILE.csv NEW.db SCHEMA_SOURCE.db
import { readFileSync } from "node:fs";
import Database from "better-sqlite3";

const [csvFile, target, schemaSource] = process.argv.slice(2);
if (!csvFile || !target || !schemaSource) {
  console.error("usage: import-floor.ts FILE.csv NEW.db SCHEMA_SOURCE.db");
  process.exit(2);
}

// The figures table exactly as the migrations made it, and the units a value is derived with.
const source = new Database(schemaSource, { readonly: true });
const ddl = source
  .prepare(
    `SELECT sql FROM sqlite_master WHERE tbl_name IN ('figures', 'figure_history') AND type IN ('table', 'index') AND sql IS NOT NULL
     ORDER BY type DESC, tbl_name DESC`,
  )
  .all() as Array<{ sql: string }>;
const percent = new Set(
  (source.prepare(`SELECT code FROM kpis WHERE unit = 'percent'`).all() as Array<{ code: string }>).map((r) => r.code),
);
source.close();

const db = new Database(target);
db.pragma("journal_mode = WAL");
// better-sqlite3 turns foreign keys on by default; a plain copy has no parent tables to check.
db.pragma("foreign_keys = OFF");
for (const { sql } of ddl) db.exec(sql);

/** One CSV line's fields; a quoted field may hold commas and doubled quotes. */
function fields(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = "";
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') break;
        else value += line[i++];
      }
      out.push(value);
      i += 2; // the closing quote and the comma
    } else {
      const end = line.indexOf(",", i);
      out.push(line.slice(i, end === -1 ? line.length : end));
      i = end === -1 ? line.length + 1 : end + 1;
    }
  }
  return out;
}

const now = new Date().toISOString();
const insert = db.prepare(
  `INSERT INTO figures (entity_code, kpi_code, period, value, numerator, denominator, comment, status, source, entered_by, entered_at, updated_by, updated_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, 'approved', 'import', 'floor', ?, 'floor', ?)`,
);
const history = db.prepare(
  `INSERT INTO figure_history (figure_id, action, old_value, old_numerator, old_denominator, old_status, new_value, new_numerator, new_denominator, new_status, comment, actor, at)
   VALUES (?, 'import', NULL, NULL, NULL, NULL, ?, ?, ?, 'approved', ?, 'floor', ?)`,
);
const text = readFileSync(csvFile, "utf8").replace(/^\uFEFF/, "");
let rows = 0;
db.transaction(() => {
  const lines = text.split(/\r?\n/);
  for (let n = 1; n < lines.length; n++) {
    if (lines[n] === "") continue;
    const [entity, kpi, period, value, numerator, denominator, comment] = fields(lines[n]);
    const num = numerator === "" ? null : Number(numerator);
    const den = denominator === "" ? null : Number(denominator);
    const v = value !== "" ? Number(value) : (num! / den!) * (percent.has(kpi) ? 100 : 1);
    const id = insert.run(entity, kpi, period, v, num, den, comment || null, now, now).lastInsertRowid;
    history.run(id, v, num, den, comment || null, now);
    rows++;
  }
})();
db.close();
console.log(JSON.stringify({ rows }));
