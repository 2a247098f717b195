import { Writable } from "node:stream";
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { logError } from "./utils/log.server";
import { NonceProvider } from "./utils/nonce";
import { DocumentMarkupProvider } from "./utils/server-markup";

// Loaders here answer before rendering starts and nothing is deferred, so an abort only ever
// cut off pages that waited in a queue under load (500s at 10 connections with 5 s). The limit
// stays as a last guard against a render that never ends.
const ABORT_DELAY = 30_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // Set by the server (server/index.ts) together with the Content-Security-Policy header.
  const nonce = typeof loadContext.cspNonce === "string" ? loadContext.cspNonce : "";
  return new Promise<Response>((resolve, reject) => {
    let didError = false;
    let sent = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Whole pages, not streamed: every loader here answers synchronously from SQLite, and a
    // complete document is what print, screen readers and the browser tests read.
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <DocumentMarkupProvider value={loadContext.documentMarkup ?? null}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </DocumentMarkupProvider>
      </NonceProvider>,
      {
        nonce,
        onAllReady() {
          // The page is complete: gather React's many small chunks into one body, so the
          // compressor and the socket see one write, not hundreds (on a 140 KB page each chunk
          // cost a trip through the stream and the compressor's thread).
          const chunks: Buffer[] = [];
          const body = new Writable({
            write(chunk: Buffer, _encoding, done) {
              chunks.push(chunk);
              done();
            },
            final(done) {
              sent = true;
              clearTimeout(timer);
              responseHeaders.set("Content-Type", "text/html; charset=utf-8");
              resolve(new Response(Buffer.concat(chunks), { headers: responseHeaders, status: didError ? 500 : responseStatusCode }));
              done();
            },
          });
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          didError = true;
          logError(error, "rendering the page failed");
        },
      },
    );
    if (!sent) timer = setTimeout(abort, ABORT_DELAY);
  });
}

/** Errors are logged on the server; the person sees the error page, never a stack trace. */
export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  logError(error);
};
