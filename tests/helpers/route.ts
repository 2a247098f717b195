// Calling a route module's loader or action directly, as Remix would, and reading its answer.

export interface Outcome {
  status: number;
  headers: Headers;
  /** The Location header, for redirects. */
  location: string | null;
  body: unknown;
  /** The route threw this Response rather than returning it. */
  thrown: boolean;
}

/** A loader's or action's answer, whether returned, thrown, a Response or a data() result. */
export async function settle(run: () => unknown): Promise<Outcome> {
  let value: unknown;
  let thrown = false;
  try {
    value = await run();
  } catch (error) {
    if (!(error instanceof Response)) throw error;
    value = error;
    thrown = true;
  }
  if (value instanceof Response) {
    const text = await value.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // plain text
    }
    return { status: value.status, headers: value.headers, location: value.headers.get("Location"), body, thrown };
  }
  if (value && typeof value === "object" && (value as { type?: unknown }).type === "DataWithResponseInit") {
    const { data, init } = value as { data: unknown; init: ResponseInit | null };
    const headers = new Headers(init?.headers);
    return { status: init?.status ?? 200, headers, location: headers.get("Location"), body: data, thrown };
  }
  return { status: 200, headers: new Headers(), location: null, body: value, thrown };
}
