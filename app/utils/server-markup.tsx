import { createContext, useContext, useState, type ReactNode } from "react";

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
 * The props that place the markup in an element, `id` (one per page) naming it. In the browser
 * a document's markup is only in the page: it is read from there when the element is first
 * rendered, so a render of the page from scratch (React gives up hydrating the whole document
 * at any mismatch, wherever it is) writes the same table back rather than an empty box. React
 * writes the element again only once it is given another string.
 */
export function useServerMarkup(markup: ServerMarkup, id: string) {
  const slots = useContext(DocumentMarkupContext);
  const [inPage] = useState(() =>
    "slot" in markup && slots === null && typeof document !== "undefined" ? (document.getElementById(id)?.innerHTML ?? "") : "",
  );
  const html = "html" in markup ? markup.html : (slots?.[markup.slot] ?? inPage);
  return { id, dangerouslySetInnerHTML: { __html: html }, suppressHydrationWarning: true };
}
