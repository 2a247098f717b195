import { apiError } from "~/auth/api.server";

// Any address under /api/ that no API route claims, in any version: a JSON 404, never a
// redirect to the sign-in page (a script cannot sign in) nor the HTML error page.
const notFound = () => apiError(404, "There is no such API endpoint: see GET /api/v1/report and GET /api/v1/figures.");

export const loader = notFound;
export const action = notFound;
