/** RESTART_ERROR is what an in-flight request gets when Hearth stops under it (JSON-RPC -32000). */
export const RESTART_ERROR = "Hearth is restarting: this request was not finished; reconnect in a few seconds and send it again";
/** RESTART_NOTICE is the log notification every open session gets as Hearth stops. */
export const RESTART_NOTICE = "Hearth is restarting: this session is closing; reconnect in a few seconds";

/**
 * OpenSessions lists the bridges' live client sessions (WebSocket, Streamable HTTP, playground), so that a
 * stopping Hearth can end each one at once with an error for its open requests and a notice,
 * instead of leaving clients to find out at their own request timeout.
 */
export class OpenSessions {
  private readonly enders = new Set<() => void>();

  /** add registers a session's restart ending; the returned function unregisters it (call it when the session ends). */
  add(endForRestart: () => void): () => void {
    this.enders.add(endForRestart);
    return () => this.enders.delete(endForRestart);
  }

  /** endAll ends every open session for a restart; an ending that throws does not stop the others. */
  endAll(): void {
    for (const end of [...this.enders]) {
      this.enders.delete(end);
      try {
        end();
      } catch {
        // One broken connection must not keep the rest of the sessions from their notice.
      }
    }
  }
}
