import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { readForm } from "~/utils/http.server";
import { requireCsrf } from "~/auth/csrf.server";
import { currentUser } from "~/auth/guard.server";
import { clearSessionCookie, endSession } from "~/auth/session.server";
import { recordAuthEvent } from "~/models/users.server";
import { db } from "~/utils/db.server";

/** Signing out is a POST with the form's token: a link elsewhere cannot sign someone out. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  requireCsrf(request, form);
  const user = currentUser(request);
  const now = new Date();
  if (user) {
    endSession(db(), user.sessionId, now);
    recordAuthEvent(db(), { kind: "sign-out", email: user.email, userId: user.id, ip: context.clientIp ?? null }, now);
  }
  return redirect("/login", { headers: { "Set-Cookie": clearSessionCookie(request) } });
}

export function loader() {
  return redirect("/");
}
