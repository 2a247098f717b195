import "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The nonce of this response's Content-Security-Policy (server/index.ts). */
    cspNonce?: string;
    /** The address the request came from, for sign-in throttling. */
    clientIp?: string | null;
    /**
     * Present when the request is for a whole document (not a client navigation's data): where
     * loaders leave markup the page writes once (utils/server-markup.tsx, decision 28).
     */
    documentMarkup?: string[];
  }
}
