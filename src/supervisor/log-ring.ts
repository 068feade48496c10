import { AppError } from "../shared/app-error.ts";

/** LogStream says where a log line came from: the child's stderr, or Hearth noting an event about it. */
export type LogStream = "stderr" | "hearth";

/** LogLine is one entry of a child's log: when, from where, and the text (already size-capped). */
export interface LogLine {
  at: number;
  stream: LogStream;
  text: string;
  /** session is the short id of the child (one per session, or shared) the line came from, if known. */
  session?: string;
}

/** LogRingOptions bounds a ring both ways, so neither many short lines nor a few huge ones grow it. */
export interface LogRingOptions {
  maxLines?: number;
  maxBytes?: number;
  maxLineBytes?: number;
}

const DEFAULTS = { maxLines: 2000, maxBytes: 512 * 1024, maxLineBytes: 8 * 1024 };

/**
 * LogRing keeps the most recent lines of a child's stderr and lifecycle, bounded by count and bytes;
 * the oldest lines go first. Bytes are UTF-8 bytes of the text, which is what ends up in a log file.
 */
export class LogRing {
  readonly maxLines: number;
  readonly maxBytes: number;
  readonly maxLineBytes: number;
  // A fixed array used as a circular buffer: pushing is O(1) even when a child floods stderr.
  private readonly slots: (LogLine | undefined)[];
  private readonly sizes: number[];
  private head = 0;
  private count = 0;
  private bytes = 0;
  private dropped = 0;
  private readonly listeners = new Set<(line: LogLine) => void>();

  constructor(opts: LogRingOptions = {}) {
    this.maxLines = positive("maxLines", opts.maxLines ?? DEFAULTS.maxLines);
    this.maxBytes = positive("maxBytes", opts.maxBytes ?? DEFAULTS.maxBytes);
    this.maxLineBytes = Math.min(positive("maxLineBytes", opts.maxLineBytes ?? DEFAULTS.maxLineBytes), this.maxBytes);
    this.slots = new Array<LogLine | undefined>(this.maxLines);
    this.sizes = new Array<number>(this.maxLines).fill(0);
  }

  /** push appends one line, truncating it to maxLineBytes and evicting the oldest lines to stay in bounds. */
  push(stream: LogStream, text: string, at: number = Date.now(), session?: string): void {
    const capped = truncateUtf8(text, this.maxLineBytes);
    const size = Buffer.byteLength(capped);
    while (this.count > 0 && (this.count >= this.maxLines || this.bytes + size > this.maxBytes)) this.evict();
    const slot = (this.head + this.count) % this.maxLines;
    this.slots[slot] = session === undefined ? { at, stream, text: capped } : { at, stream, text: capped, session };
    this.sizes[slot] = size;
    this.count++;
    this.bytes += size;
    const line = this.slots[slot]!;
    for (const fn of this.listeners) fn(line);
  }

  /** subscribe calls fn with every line pushed from now on (live log tails); returns the unsubscribe. */
  subscribe(fn: (line: LogLine) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** tail returns up to n most recent lines, oldest first, optionally only from one stream. */
  tail(n: number = this.maxLines, stream?: LogStream): LogLine[] {
    const out: LogLine[] = [];
    for (let i = this.count - 1; i >= 0 && out.length < n; i--) {
      const line = this.slots[(this.head + i) % this.maxLines];
      if (line && (stream === undefined || line.stream === stream)) out.push(line);
    }
    return out.reverse();
  }

  /** stats reports the ring's current size and how many lines it has evicted, for the logs page and tests. */
  stats(): { lines: number; bytes: number; evicted: number } {
    return { lines: this.count, bytes: this.bytes, evicted: this.dropped };
  }

  private evict(): void {
    this.bytes -= this.sizes[this.head] ?? 0;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.maxLines;
    this.count--;
    this.dropped++;
  }
}

/** truncateUtf8 cuts text to at most maxBytes of UTF-8 without splitting a character, marking the cut. */
export function truncateUtf8(text: string, maxBytes: number): string {
  // Fast path: a UTF-16 code unit is at most 3 UTF-8 bytes, so short strings need no measuring.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return text;
  const marker = maxBytes > 64 ? " …[truncated]" : "";
  const bytes = Buffer.from(text).subarray(0, maxBytes - Buffer.byteLength(marker));
  // A decoder without `fatal` turns a split trailing character into U+FFFD; drop it instead.
  return new TextDecoder().decode(bytes).replace(/\uFFFD$/, "") + marker;
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new AppError("invalid", `LogRing option ${name} must be a positive integer, got ${value}`);
  }
  return value;
}
