import { AppError, isAppError } from "../shared/app-error.ts";
import { redactValues } from "./mask.ts";

/** redactedError is e with the given secret values replaced in its message and details. */
export function redactedError(e: unknown, secrets: string[]): unknown {
  if (!isAppError(e) || secrets.length === 0) return e;
  return new AppError(e.code, redactValues(e.message, secrets), {
    details: e.details.map((d) => ({ ...d, message: redactValues(d.message, secrets) })),
    extra: JSON.parse(redactValues(JSON.stringify(e.extra), secrets.map((v) => JSON.stringify(v).slice(1, -1)))) as Record<string, unknown>,
  });
}
