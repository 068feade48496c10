/** AppErrorCode names every way Hearth refuses or fails; src/http/errors.ts maps each to a status. */
export type AppErrorCode =
  | "bad_request"
  | "invalid"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "too_large"
  | "rate_limited"
  | "unavailable"
  | "internal";

/** AppErrorDetail points at one problem in a request or a document (JSON pointer + sentence). */
export interface AppErrorDetail {
  pointer: string;
  message: string;
}

/**
 * AppError is the one error type of Hearth: a code, a message safe to show to users,
 * optional details, and the private cause (logged, never shown).
 */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly details: AppErrorDetail[];
  readonly extra: Record<string, unknown>;

  constructor(
    code: AppErrorCode,
    message: string,
    opts: { details?: AppErrorDetail[]; cause?: unknown; extra?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "AppError";
    this.code = code;
    this.details = opts.details ?? [];
    this.extra = opts.extra ?? {};
  }
}

/** isAppError narrows unknown throwables without relying on instanceof across bundles. */
export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError || (typeof e === "object" && e !== null && (e as { name?: string }).name === "AppError" && "code" in e);
}
