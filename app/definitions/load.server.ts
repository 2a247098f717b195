import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { validateDefinitions, type DefinitionFiles, type ValidationResult } from "./validate";

function readIfExists(file: string): string | null {
  return existsSync(file) ? readFileSync(file, "utf8") : null;
}

/** Reads a definitions folder (contract §1) from disk; nothing is validated here. */
export function readDefinitionFiles(dir: string): DefinitionFiles {
  const kpiDir = path.join(dir, "kpis");
  const kpiFiles =
    existsSync(kpiDir) && statSync(kpiDir).isDirectory()
      ? readdirSync(kpiDir)
          .filter((name) => name.endsWith(".yaml") || name.endsWith(".yml"))
          .sort()
      : [];
  return {
    entities: readIfExists(path.join(dir, "entities.yaml")),
    strategy: readIfExists(path.join(dir, "strategy.yaml")),
    kpis: kpiFiles.map((name) => ({
      file: `kpis/${name}`,
      text: readFileSync(path.join(kpiDir, name), "utf8"),
    })),
  };
}

export function loadDefinitions(dir: string): ValidationResult {
  if (!existsSync(dir)) {
    return {
      ok: false,
      errors: [{ file: dir, field: "", message: "expected a definitions folder at this path" }],
    };
  }
  return validateDefinitions(readDefinitionFiles(dir));
}
