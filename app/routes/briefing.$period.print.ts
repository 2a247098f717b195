// `/briefing/2018-12/print?lang=ar`: the month's briefing book as one web page, the very document
// the PDF is printed from (app/briefing/render.server.tsx), for reading or printing in a browser.
// Its contents have no page numbers: those are read from a printing (app/briefing/print.server.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/auth/guard.server";
import { bookAddress } from "~/briefing/address.server";
import { briefingBookData } from "~/briefing/data.server";
import { renderBookHtml } from "~/briefing/render.server";
import { db } from "~/utils/db.server";
import { env, planSettings } from "~/utils/env.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  requirePermission(request, "briefing:read");
  const { period, language } = bookAddress(request, params);
  const data = briefingBookData(db(), period, language, planSettings(env()), new Date());
  const html = renderBookHtml(data, {
    pageOf: () => null,
    condensed: new Map(),
    // The site's security policy takes fonts from the site only, not the data: URLs the printed
    // book carries: in a browser the page is set in the reader's own fonts (DejaVu Sans here).
    fontFaces: "",
  });
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}
