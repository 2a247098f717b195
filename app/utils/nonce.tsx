import { createContext, useContext, type ReactNode } from "react";

// The Content-Security-Policy nonce of this response: Remix's inline scripts carry it, so the
// policy can refuse every other inline script. Empty in the browser, which hides it anyway.
const NonceContext = createContext("");

export function NonceProvider({ value, children }: { value: string; children: ReactNode }) {
  return <NonceContext.Provider value={value}>{children}</NonceContext.Provider>;
}

export function useNonce(): string {
  return useContext(NonceContext);
}
