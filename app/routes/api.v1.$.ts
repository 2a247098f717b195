import { apiError } from "~/auth/api.server";

/** Any other address under the API: a JSON 404, never the HTML error page. */
export function loader() {
  return apiError(404, "There is no such API endpoint: see GET /api/v1/report and GET /api/v1/figures.");
}

export const action = loader;
