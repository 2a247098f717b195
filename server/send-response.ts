// Sends a Remix answer through Express, waiting for the client. @remix-run/express writes every
// chunk as soon as Remix makes it, whatever the socket says, and flushes the compressor after
// each one: a slow client of the long CSV export made the server hold the file in memory, and a
// page of 1,300 small chunks was compressed 1,300 times. Here a full socket makes the response
// wait ("drain"), and the compressor is flushed at most five times a second.
import type { Request as ExpressRequest, Response as ExpressResponse, NextFunction } from "express";
import {
  createReadableStreamFromReadable,
  createRequestHandler,
  type AppLoadContext,
  type ServerBuild,
} from "@remix-run/node";

/**
 * The Fetch request Remix reads, as @remix-run/express builds it (host and protocol as the
 * "trust proxy" setting allows; aborted when the client goes before the answer is sent). Null for
 * an address that is not one (a Host header no URL can hold).
 */
function remixRequest(req: ExpressRequest, res: ExpressResponse): globalThis.Request | null {
  const port = (value: string | undefined) => {
    const n = Number.parseInt(value?.split(":")[1] ?? "", 10);
    return Number.isSafeInteger(n) ? n : null;
  };
  const hostPort = port(req.get("X-Forwarded-Host")) ?? port(req.get("Host"));
  let url: URL;
  try {
    url = new URL(`${req.protocol}://${req.hostname}${hostPort ? `:${hostPort}` : ""}${req.originalUrl}`);
  } catch {
    return null;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value) headers.set(name, value);
  }
  let controller: AbortController | null = new AbortController();
  res.on("finish", () => (controller = null));
  res.on("close", () => controller?.abort());
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url.href, {
    method: req.method,
    headers,
    signal: controller.signal,
    ...(hasBody ? { body: createReadableStreamFromReadable(req), duplex: "half" } : {}),
  } as RequestInit);
}

const FLUSH_EVERY_MS = 200;

export async function sendResponse(res: ExpressResponse, response: globalThis.Response): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [name, value] of response.headers.entries()) res.append(name, value);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  // The compressor (compression middleware) emits when its buffer fills, which for a CSV that
  // compresses tenfold can take a megabyte: flush the first chunk at once and then at most a few
  // times a second, so the first byte leaves at once and a long download keeps moving.
  const flush = (res as ExpressResponse & { flush?: () => void }).flush?.bind(res);
  // One listener each for the whole answer (the compressor hands "drain" to its own stream, and
  // cannot take a listener back off).
  let wake: (() => void) | null = null;
  res.on("drain", () => wake?.());
  res.on("close", () => wake?.());
  let flushedAt = 0;
  try {
    for (;;) {
      if (res.destroyed) {
        // The client went away: stop producing (the export's stream stops its work on cancel).
        await reader.cancel();
        return;
      }
      const { done, value } = await reader.read();
      if (done) break;
      const full = !res.write(value);
      if (flush && performance.now() - flushedAt > FLUSH_EVERY_MS) {
        flush();
        flushedAt = performance.now();
      }
      if (full && !res.destroyed) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
    res.end();
  } catch (error) {
    res.destroy(error as Error);
    throw error;
  }
}

export function remixHandler(options: {
  build: ServerBuild;
  mode: string | undefined;
  /** `request`: the Fetch request Remix is given. */
  getLoadContext: (req: ExpressRequest, res: ExpressResponse, request: globalThis.Request) => AppLoadContext;
}) {
  const handle = createRequestHandler(options.build, options.mode);
  return async (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    try {
      const request = remixRequest(req, res);
      if (!request) {
        res.status(400).type("text").send("Bad request");
        return;
      }
      const response = await handle(request, options.getLoadContext(req, res, request));
      await sendResponse(res, response);
    } catch (error) {
      next(error);
    }
  };
}
