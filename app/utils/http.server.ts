// Answers for requests a person can get wrong. The error page shows the message in the reader's
// language (root ErrorBoundary), so what is thrown is a message id, never English text.
import type { MessageId } from "../i18n/messages";
import type { ErrorMessage } from "./error-message";
import type { PeriodParse } from "../figures/month";

/**
 * A 4xx whose page explains, in the reader's language, what was wrong. A thrown JSON Response
 * reaches the error boundary as `error.data`, parsed.
 */
export function refuse(status: number, message: MessageId, params?: Record<string, string | number>): never {
  const body: ErrorMessage = { message, params };
  throw new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8" } });
}

/** 400 for a month outside parsePeriod's rules. */
export function refusePeriod(parsed: Extract<PeriodParse, { ok: false }>): never {
  if (parsed.problem === "format") refuse(400, "error.period.format");
  refuse(400, "error.period.range", { earliest: parsed.bounds.earliest, latest: parsed.bounds.latest });
}

/** The request's form; a body that is not a form (JSON, plain text, garbage) is a 400, not a 500. */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    refuse(400, "error.form.type");
  }
}
