import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guard.server";
import { PERIOD_PATTERN } from "~/definitions/schema";

/** The focal point's month picker: opens their own entity's form for the month chosen. */
export function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const period = new URL(request.url).searchParams.get("period") ?? "";
  if (user.role !== "focal-point" || !user.entityCode) throw new Response("Forbidden", { status: 403 });
  if (!PERIOD_PATTERN.test(period)) throw new Response("The month must be written YYYY-MM", { status: 400 });
  return redirect(`/figures/${user.entityCode}/${period}`);
}
