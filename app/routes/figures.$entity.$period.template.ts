import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/auth/guard.server";
import { refusePeriod } from "~/utils/http.server";
import { parsePeriod, viewBounds } from "~/figures/month";
import { buildTemplate } from "~/figures/upload.server";
import { resolveLocale } from "~/i18n/locale.server";
import { listEntities, listKpis } from "~/models/kpis.server";
import { engineKpis } from "~/models/report.server";
import { db } from "~/utils/db.server";

/** The month's spreadsheet template: the entity's KPIs and the month filled in, headers in both languages. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const entity = params.entity ?? "";
  const period = params.period ?? "";
  requirePermission(request, "figures:enter", entity);
  const parsed = parsePeriod(period, viewBounds(new Date()));
  if (!parsed.ok) refusePeriod(parsed);
  if (!listEntities(db()).some((e) => e.code === entity)) throw new Response("Entity not found", { status: 404 });
  const reported = new Set(engineKpis(db()).filter((k) => k.reporters.includes(entity)).map((k) => k.code));
  const kpis = listKpis(db())
    .filter((k) => reported.has(k.code))
    .map(({ code, nameEn, nameAr, measure, unit }) => ({ code, nameEn, nameAr, measure, unit }));
  const workbook = await buildTemplate({ entity, period, kpis, rightToLeft: resolveLocale(request) === "ar" });
  return new Response(new Uint8Array(workbook), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="figures-${entity}-${period}.xlsx"`,
      "Cache-Control": "no-store",
    },
  });
}
