import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guard.server";

// The catalogue is the first page until the city overview exists (issue 5).
export function loader({ request }: LoaderFunctionArgs) {
  requireUser(request);
  const { search } = new URL(request.url);
  return redirect(`/kpis${search}`);
}
