import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guard.server";

// Any address no other route claims: a 404 rendered by the shared error boundary. Anonymous
// visitors are sent to sign in first, so the site's shape is not shown to them.
export function loader({ request }: LoaderFunctionArgs) {
  requireUser(request);
  throw new Response("Not found", { status: 404 });
}

export function action({ request }: LoaderFunctionArgs) {
  requireUser(request);
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return null;
}
