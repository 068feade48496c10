/** UsageError means the command line is wrong: exit 2 with a message that says what to fix. */
export class UsageError extends Error {
  override name = "UsageError";
}
