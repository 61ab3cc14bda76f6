// Errors that carry an HTTP status and a message a person can act on. The single error handler in
// platform/http.ts renders them as JSON for /api, a flash fragment for htmx, or an error page.

export interface FieldError {
  field: string;
  message: string;
}

/** An error shown to the caller as is: status, stable code, human message. */
export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string) => new AppError(400, code, message);
export const unauthorized = (message = "Sign in to continue.") => new AppError(401, "unauthorized", message);
export const forbidden = (message: string) => new AppError(403, "forbidden", message);
export const notFound = (message = "Not found.") => new AppError(404, "not_found", message);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
export const tooMany = (message: string) => new AppError(429, "too_many_requests", message);

/** 422 with per-field messages; the message joins them so a plain client still reads something useful. */
export function invalid(fields: FieldError[], code = "validation_failed"): AppError {
  return new AppError(422, code, fields.map((f) => `${f.field}: ${f.message}`).join("; "), fields);
}
