// The server's own sending of Remix answers (server/send-response.ts): a client that reads
// slowly holds the producer back, instead of the server holding the whole answer in memory.
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sendResponse } from "../../server/send-response";

const CHUNK = new Uint8Array(64 * 1024).fill(120);
const CHUNKS = 2_000; // 128 MB if it were all made at once
let pulled = 0;
let port = 0;
let close: () => void;

beforeAll(async () => {
  const app = express();
  app.get("/big", (_req, res) => {
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled >= CHUNKS) controller.close();
        else controller.enqueue(CHUNK);
      },
    });
    void sendResponse(res, new Response(body, { headers: { "Content-Type": "text/csv" } }));
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  port = (server.address() as AddressInfo).port;
  close = () => server.close();
});

afterAll(() => close());

it("makes no more of an answer than a client that stopped reading can take (backpressure)", async () => {
  const socket = connect(port, "127.0.0.1");
  socket.write("GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  await new Promise((resolve) => socket.once("data", resolve));
  socket.pause(); // a client on a slow line: nothing more is read
  await new Promise((resolve) => setTimeout(resolve, 500));
  // Socket buffers on both sides hold a few MB at most: far from the 2,000 chunks on offer.
  expect(pulled).toBeGreaterThan(0);
  expect(pulled).toBeLessThan(200);
  socket.destroy();
});
