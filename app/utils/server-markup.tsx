import { createContext, useContext, type ReactNode } from "react";

// Markup a loader made on the server from the app's own components (decision 28), and how it
// reaches the page. In a client navigation it travels in the page's data as the string. In a
// whole document it is written into the page once: the loader leaves it in the request's
// context (`documentMarkup`, server/http.ts) and the page finds it there by its slot, so the
// document does not carry it a second time in the data it hydrates from.
export type ServerMarkup = { html: string } | { slot: number };

const DocumentMarkupContext = createContext<readonly string[] | null>(null);

/** Given by entry.server.tsx: the markup this document's loaders left in its context. */
export function DocumentMarkupProvider({ value, children }: { value: readonly string[] | null; children: ReactNode }) {
  return <DocumentMarkupContext.Provider value={value}>{children}</DocumentMarkupContext.Provider>;
}

/**
 * The props that place the markup in an element. When the browser hydrates the document it
 * has no string (the markup is already in the page): an empty `__html` keeps what the server
 * wrote, untouched, and React writes the element again only once it is given another string.
 */
export function useServerMarkup(markup: ServerMarkup) {
  const slots = useContext(DocumentMarkupContext);
  const html = "html" in markup ? markup.html : (slots?.[markup.slot] ?? "");
  return { dangerouslySetInnerHTML: { __html: html }, suppressHydrationWarning: true };
}
