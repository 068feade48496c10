// Smithery's `config=` connection parameter, shared by the client commands, install entries and
// the Connect tab's snippets; the client side owns it because the CLI uses it without the UI.

/** encodeConfig is Smithery's `config=` parameter: base64url of the JSON. */
export function encodeConfig(config: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(config)).toString("base64url");
}
