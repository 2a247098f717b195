// `/briefing/2018-12/download?lang=ar`: the month's latest ready briefing book, as prepared (kept
// until a newer one is ready; the briefing page says when it is out of date).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/auth/guard.server";
import { bookAddress, plainRefusal } from "~/briefing/address.server";
import { bookPdf, readyBook } from "~/models/briefing-books.server";
import { formatterFor, intlFor } from "~/i18n/format";
import { resolveLocale } from "~/i18n/locale.server";
import { db } from "~/utils/db.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  requirePermission(request, "briefing:read");
  const { period, language } = bookAddress(request, params);
  const book = readyBook(db(), period, language);
  const pdf = book ? bookPdf(db(), book.id) : null;
  if (!book || !pdf) {
    const month = formatterFor(intlFor(resolveLocale(request))).period(period);
    throw plainRefusal(request, 404, "briefing.notFound", { month });
  }
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="briefing-book-${period}-${language}.pdf"`,
      "Content-Length": String(pdf.length),
      // Another book of the month replaces this one: never kept by a cache.
      "Cache-Control": "private, no-store",
    },
  });
}
