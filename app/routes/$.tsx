// Any address no other route claims: a 404 rendered by the shared error boundary.
export function loader() {
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return null;
}
