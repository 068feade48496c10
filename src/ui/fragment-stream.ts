/** FragmentWriter pushes HTML into a page over SSE, the way the hx-sse extension expects. */
export interface FragmentWriter {
  /** fragment sends an unnamed message: hx-sse swaps its data into the element's target. */
  fragment(html: JSX.Element | string): void;
  /** event sends a named, empty message: hx-sse dispatches it as a DOM event (`hx-sse:close` can name it). */
  event(name: string): void;
  close(): void;
  readonly closed: boolean;
}

/**
 * fragmentStream answers with an event stream of HTML fragments. `start` may return a cleanup run
 * when the stream ends either way. A comment every 15 s keeps proxies from closing it.
 */
export function fragmentStream(start: (w: FragmentWriter) => (() => void) | void, keepAliveMs = 15_000): Response {
  const encoder = new TextEncoder();
  let closed = false;
  let cleanup: (() => void) | void;
  let timer: Timer | undefined;
  const end = () => {
    if (closed) return false;
    closed = true;
    clearInterval(timer);
    cleanup?.();
    return true;
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (s: string) => !closed && controller.enqueue(encoder.encode(s));
      const w: FragmentWriter = {
        get closed() {
          return closed;
        },
        fragment(html) {
          write(`${String(html).split(/\r\n|\r|\n/).map((l) => `data: ${l}`).join("\n")}\n\n`);
        },
        event(name) {
          write(`event: ${name.replace(/[\r\n]/g, "")}\ndata:\n\n`);
        },
        close() {
          if (end()) controller.close();
        },
      };
      controller.enqueue(encoder.encode(": stream open\n\n"));
      timer = setInterval(() => write(": keep-alive\n\n"), keepAliveMs);
      cleanup = start(w);
      // A stream closed inside start() ran end() before there was a cleanup to run.
      if (closed) cleanup?.();
    },
    cancel() {
      end();
    },
  });
  return new Response(stream, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" } });
}
