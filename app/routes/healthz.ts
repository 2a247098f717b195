// GET /healthz: the process answers. For a monitor or load balancer: no sign-in, no session, and
// nothing in it but that (no version, no data). /readyz says whether it can serve people.
export function loader() {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
