import type { ErrorCode } from "./bindings/ErrorCode";
import type { ErrorPayload } from "./bindings/ErrorPayload";
import type { FieldError } from "./bindings/FieldError";

/** An error from the Rust side: switch on `code`, show `message`. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  /** Per-field problems of a form submission, to show beside each field. */
  readonly fields: FieldError[];

  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = "ApiError";
    this.code = payload.code;
    this.fields = Array.isArray(payload.fields) ? payload.fields : [];
  }
}

function isPayload(value: unknown): value is ErrorPayload {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** Whatever a command rejected with, as an ApiError the screens can show. */
export function toApiError(raw: unknown): ApiError {
  if (raw instanceof ApiError) return raw;
  if (isPayload(raw)) return new ApiError(raw);
  const message = raw instanceof Error ? raw.message : String(raw);
  return new ApiError({ code: "internal", message, fields: [] });
}
