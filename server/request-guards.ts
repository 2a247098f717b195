// What the server refuses before Remix reads a byte of the request: oversized or unmeasured
// bodies, form posts that are not forms, and posts from another site. Each answers a 4xx with a
// short page in both languages instead of the 500 that reading such a request would end in.
import type { NextFunction, Request, Response } from "express";

/** Forms: the figures form with every comment at its longest fits well inside this. */
export const FORM_MAX_BYTES = 512 * 1024;
/** Room for the multipart envelope and the other fields around an uploaded file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

const MESSAGES = {
  411: ["A request with a body must say how long it is (Content-Length).", "يجب أن يذكر الطلب الذي يحمل بيانات طولها (Content-Length)."],
  413: ["What was sent is too large.", "البيانات المرسلة أكبر من المسموح."],
  415: ["This address accepts forms only. Reload the page and send the form again.", "يقبل هذا العنوان النماذج فقط. أعد تحميل الصفحة ثم أرسل النموذج مرة أخرى."],
  403: ["This form was sent from another site and was refused.", "رُفض هذا النموذج لأنه أُرسل من موقع آخر."],
} as const;

type Refusal = keyof typeof MESSAGES;

function refuse(req: Request, res: Response, status: Refusal): void {
  const [en, ar] = MESSAGES[status];
  // The body is not read: close the connection rather than drain what may be 100 MB.
  res.setHeader("Connection", "close");
  res.setHeader("Cache-Control", "no-store");
  if (req.path.startsWith("/api/")) {
    res.status(status).json({ error: { status, message: en } });
    return;
  }
  res
    .status(status)
    .type("html")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${status}</title></head>` +
        `<body><main><h1>${status}</h1><p>${en}</p><p lang="ar" dir="rtl">${ar}</p><p><a href="/">Home · الرئيسية</a></p></main></body></html>`,
    );
}

export interface GuardOptions {
  uploadMaxBytes: number;
}

/** The largest body a request may carry, by where it goes and what it is. */
export function bodyLimit(req: Request, options: GuardOptions): number {
  const type = (req.get("Content-Type") ?? "").toLowerCase();
  if (req.path.startsWith("/api/")) return options.uploadMaxBytes;
  if (type.startsWith("multipart/form-data")) return options.uploadMaxBytes + MULTIPART_OVERHEAD_BYTES;
  return FORM_MAX_BYTES;
}

export function requestGuards(options: GuardOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!BODY_METHODS.has(req.method)) return next();

    // A body of unknown length could only be limited by reading it: ask for its length instead.
    const length = req.get("Content-Length");
    if (length === undefined && req.get("Transfer-Encoding") !== undefined) return refuse(req, res, 411);
    if (length !== undefined && (!/^\d{1,15}$/.test(length) || Number(length) > bodyLimit(req, options))) {
      return refuse(req, res, 413);
    }

    // Remix aborts a cross-site action with an exception (a bare 500); say what happened instead.
    const origin = req.get("Origin");
    if (origin !== undefined) {
      const host = req.get("X-Forwarded-Host") ?? req.get("Host");
      let originHost: string | null = null;
      try {
        originHost = origin === "null" ? null : new URL(origin).host;
      } catch {
        originHost = null;
      }
      if (!host || originHost !== host) return refuse(req, res, 403);
    }

    // Pages take forms; the API decides for itself what it takes.
    if (!req.path.startsWith("/api/") && (length === undefined || Number(length) > 0)) {
      const type = (req.get("Content-Type") ?? "").toLowerCase();
      if (!FORM_TYPES.some((t) => type.startsWith(t))) return refuse(req, res, 415);
    }
    next();
  };
}

/**
 * Pages behind sign-in, downloads and the API are per person: no cache keeps them, so a shared
 * computer's back button does not show the last person's pages. Remix appends its response's
 * headers, so a route that says how to cache replaces this default rather than adding to it.
 */
export function noStoreByDefault(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader("Cache-Control", "no-store");
  const append = res.append.bind(res);
  res.append = (field: string, value?: string | string[]) =>
    field.toLowerCase() === "cache-control" && value !== undefined ? res.set(field, value) : append(field, value);
  next();
}
