// What the request log learns from inside the app (the user's id, an error's stack) and what the
// client is told of an error (nothing). The built server's log lines: server-lifecycle.test.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const dir = mkdtempSync(path.join(tmpdir(), "request-log-"));
process.env.DATABASE_PATH = path.join(dir, "log.db");

const { db } = await import("../../app/utils/db.server");
const { createUser } = await import("../../app/models/users.server");
const { createToken } = await import("../../app/models/tokens.server");
const { logger, withRequestLog } = await import("../../app/utils/log.server");
const { loader: reportLoader } = await import("../../app/routes/api.v1.report");

let token = "";
let userId = 0;

beforeAll(() => {
  const now = new Date();
  const user = createUser(db(), { email: "analyst@log.example", name: "Analyst", role: "analyst", entityCode: null, passwordHash: "x", mustChangePassword: false }, "test", now);
  userId = user.id;
  token = createToken(db(), user.id, "log test", now).token;
});

afterAll(() => {
  globalThis.__smartComplianceDb?.db.$client.close();
  globalThis.__smartComplianceDb = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const request = (auth: string) =>
  new Request("http://localhost/api/v1/report?period=2018-12", { headers: { Authorization: `Bearer ${auth}` } });

describe("the request log record", () => {
  it("carries the id of the API token's owner, not the token", async () => {
    const record = { id: "test-1", userId: null as number | null };
    const answer = await withRequestLog(record, () => reportLoader({ request: request(token) }));
    expect(answer.status).toBe(200);
    expect(record).toEqual({ id: "test-1", userId });
  });

  it("an unexpected error: its stack and the request's id to the log, a plain 500 to the client", async () => {
    // The setup fails a test that logs an error; this one expects exactly one.
    const logged: unknown[][] = [];
    const spy = vi.mocked(logger().error);
    const strict = spy.getMockImplementation();
    spy.mockImplementation((...args: unknown[]) => void logged.push(args));
    const connection = globalThis.__smartComplianceDb!.db.$client;
    let answer: Response;
    try {
      // The database gone from under the request.
      connection.close();
      answer = await withRequestLog({ id: "test-2", userId: null }, () => reportLoader({ request: request(token) }));
    } finally {
      if (strict) spy.mockImplementation(strict);
      globalThis.__smartComplianceDb = undefined;
    }
    expect(answer.status).toBe(500);
    const body = await answer.text();
    expect(JSON.parse(body)).toEqual({ error: { status: 500, message: "Something went wrong on the server." } });
    expect(body).not.toMatch(/database|at .*\.ts|Error/);
    expect(logged).toHaveLength(1);
    const [fields, message] = logged[0] as [{ err: Error; reqId: string }, string];
    expect(message).toBe("the API failed");
    expect(fields.reqId).toBe("test-2");
    expect(fields.err.message).toMatch(/database connection is not open/);
    expect(fields.err.stack).toMatch(/\n\s+at /);
  });
});
