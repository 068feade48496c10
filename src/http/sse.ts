/** SseWriter pushes Server-Sent Events into a response stream. */
export interface SseWriter {
  send(event: string, data: unknown, id?: string): void;
  close(): void;
  readonly closed: boolean;
}

/**
 * sseResponse starts an event stream; `start` gets a writer and may return a cleanup run when the
 * client goes away. A comment line every 15 s keeps proxies from closing an idle stream.
 */
export function sseResponse(start: (w: SseWriter) => (() => void) | void, keepAliveMs = 15_000): Response {
  const encoder = new TextEncoder();
  let cleanup: (() => void) | void;
  let timer: Timer | undefined;
  let closed = false;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const writer: SseWriter = {
        get closed() {
          return closed;
        },
        send(event, data, id) {
          if (closed) return;
          const payload = typeof data === "string" ? data : JSON.stringify(data);
          const lines = payload.split(/\r?\n/).map((l) => `data: ${l}`).join("\n");
          controller.enqueue(encoder.encode(`${id ? `id: ${id}\n` : ""}event: ${event}\n${lines}\n\n`));
        },
        close() {
          if (closed) return;
          closed = true;
          clearInterval(timer);
          cleanup?.();
          controller.close();
        },
      };
      // A first comment sends the headers at once, so clients see the stream open before any event.
      controller.enqueue(encoder.encode(": stream open\n\n"));
      timer = setInterval(() => !closed && controller.enqueue(encoder.encode(": keep-alive\n\n")), keepAliveMs);
      cleanup = start(writer);
    },
    cancel() {
      closed = true;
      clearInterval(timer);
      cleanup?.();
    },
  });
  return new Response(stream, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" } });
}
