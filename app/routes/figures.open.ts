import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guard.server";
import { refusePeriod } from "~/utils/http.server";
import { parsePeriod, viewBounds } from "~/figures/month";

/** The focal point's month picker: opens their own entity's form for the month chosen. */
export function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  if (user.role !== "focal-point" || !user.entityCode) throw new Response("Forbidden", { status: 403 });
  const parsed = parsePeriod(new URL(request.url).searchParams.get("period") ?? "", viewBounds(new Date()));
  if (!parsed.ok) refusePeriod(parsed);
  return redirect(`/figures/${user.entityCode}/${parsed.period}`);
}
