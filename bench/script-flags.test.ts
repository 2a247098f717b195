import { describe, expect, it } from "vitest";
import { nodeFlagsIn, nodeFlagsOf } from "./script-flags";

describe("the node flags of a package script", () => {
  it("are read after the build, with or without exec, and with none", () => {
    expect(nodeFlagsIn("npm run build && exec node --heap-growing-percent=75 --max-semi-space-size=4 build/start.js", "build/start.js")).toEqual([
      "--heap-growing-percent=75",
      "--max-semi-space-size=4",
    ]);
    expect(nodeFlagsIn("npm run build && node --a=1 build/start.js", "build/start.js")).toEqual(["--a=1"]);
    expect(nodeFlagsIn("node --heap-growing-percent=20 build/kpi.js", "build/kpi.js")).toEqual(["--heap-growing-percent=20"]);
    expect(nodeFlagsIn("exec node build/start.js", "build/start.js")).toEqual([]);
  });

  it("are not found in a script that runs something else", () => {
    expect(nodeFlagsIn("npm run build && node --a build/kpi.js", "build/start.js")).toBeNull();
    expect(nodeFlagsIn("tsx build/start.js", "build/start.js")).toBeNull();
    expect(nodeFlagsIn("nodemon build/start.js", "build/start.js")).toBeNull();
  });

  it("are found in this project's npm start and npm run kpi, which the bench runs as people do", () => {
    expect(nodeFlagsOf("start", "build/start.js").length).toBeGreaterThan(0);
    expect(nodeFlagsOf("kpi", "build/kpi.js").length).toBeGreaterThan(0);
  });
});
