const encoder = new TextEncoder();

/** SSE_HEADERS are the headers of every event-stream response of the bridge. */
export const SSE_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
} as const;

/** SseSinkOptions: extra response headers, the keep-alive period, how much may queue for a slow reader, and who to tell when the client goes. */
export interface SseSinkOptions {
  headers: Record<string, string>;
  keepAliveMs: number;
  maxQueuedBytes: number;
  onGone: () => void;
}

/**
 * SseSink is one SSE connection: a Response whose body the bridge writes events into. Data is
 * written as given (the child's own bytes), with an id on every event. A client that stops
 * reading is cut off once `maxQueuedBytes` wait for it; it can come back with Last-Event-ID.
 * src/http/sse.ts serves the UI's log streams; this one differs in ids on every event, the
 * slow-reader bound and in never re-serialising data, which is why it is separate.
 */
export class SseSink {
  readonly response: Response;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private open = true;
  private readonly timer: Timer;

  constructor(private readonly opts: SseSinkOptions) {
    const body = new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          this.controller = c;
        },
        cancel: () => this.gone(),
      },
      { highWaterMark: opts.maxQueuedBytes, size: (chunk) => chunk?.byteLength ?? 0 },
    );
    this.timer = setInterval(() => this.write(": keep-alive\n\n"), opts.keepAliveMs);
    this.timer.unref();
    this.response = new Response(body, { status: 200, headers: { ...SSE_HEADERS, ...opts.headers } });
  }

  /** connected is true until the sink is closed or the client went away. */
  get connected(): boolean {
    return this.open;
  }

  /** event writes one message event; false when the connection is gone. */
  event(id: string, data: string): boolean {
    // A child line never holds LF, but a bare CR (whitespace in JSON) would end an SSE line early.
    const payload = data.includes("\r") ? data.split(/\r\n|\r|\n/).join("\ndata: ") : data;
    return this.write(`id: ${id}\nevent: message\ndata: ${payload}\n\n`);
  }

  /** prime writes an event with an id and empty data, so the client holds a Last-Event-ID from the start. */
  prime(id: string): void {
    this.write(`id: ${id}\ndata: \n\n`);
  }

  /** comment writes an SSE comment line (ignored by clients; flushes headers, keeps proxies awake). */
  comment(text: string): void {
    this.write(`: ${text}\n\n`);
  }

  /** close ends the response after what was written. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    clearInterval(this.timer);
    try {
      this.controller.close();
    } catch {
      // The client already went away.
    }
  }

  private write(text: string): boolean {
    if (!this.open) return false;
    try {
      this.controller.enqueue(encoder.encode(text));
    } catch {
      this.gone();
      return false;
    }
    if ((this.controller.desiredSize ?? 0) < 0) {
      // The reader is not keeping up: drop the queue rather than grow without bound.
      this.controller.error(new Error("the client is not reading this event stream"));
      this.gone();
      return false;
    }
    return true;
  }

  private gone(): void {
    if (!this.open) return;
    this.open = false;
    clearInterval(this.timer);
    this.opts.onGone();
  }
}
