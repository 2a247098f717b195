// The CSRF token a form must carry when sent with these cookies: bound to the session when there
// is one (app/auth/csrf.server.ts), the `csrf` cookie's own value before sign-in.
import { csrfToken } from "../../app/auth/csrf.server";

export function csrfFor(cookie: string): string {
  return csrfToken(new Request("http://localhost/", { headers: { Cookie: cookie } })).token;
}
