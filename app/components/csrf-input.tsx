import { useRouteLoaderData } from "@remix-run/react";
import type { loader } from "../root";

/** The hidden field every form that changes something carries (see app/auth/csrf.server.ts). */
export function CsrfInput() {
  const root = useRouteLoaderData<typeof loader>("root");
  return <input type="hidden" name="csrf" value={root?.csrfToken ?? ""} />;
}
