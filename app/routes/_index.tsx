import { redirect, type LoaderFunctionArgs } from "@remix-run/node";

// The catalogue is the first page until the city overview exists (issue 5).
export function loader({ request }: LoaderFunctionArgs) {
  const { search } = new URL(request.url);
  return redirect(`/kpis${search}`);
}
