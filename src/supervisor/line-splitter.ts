/** LineSplitterOptions sets the per-line byte cap and what happens to the bytes of a line past it. */
export interface LineSplitterOptions {
  /** maxLineBytes caps one line (without its newline); past it the rest of the line is discarded. */
  maxLineBytes: number;
  /** keepPrefix keeps the first maxLineBytes of an overlong line (stderr) instead of dropping it all (stdout). */
  keepPrefix: boolean;
  /** onLine receives each line's bytes; overflowBytes > 0 says that many bytes past the cap were discarded. */
  onLine: (bytes: Uint8Array, overflowBytes: number) => void;
}

/**
 * LineSplitter cuts a byte stream into newline-terminated lines without ever holding more than
 * maxLineBytes of one line, so a child writing a 1 GB line costs Hearth at most the cap: once a
 * line passes the cap it is discarded up to the next newline, where framing resynchronises.
 * Written by hand because stream line readers (readline, TextDecoderStream + split) buffer the
 * whole line before anyone can check its size.
 */
export class LineSplitter {
  private readonly opts: LineSplitterOptions;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private overflowBytes = 0;

  constructor(opts: LineSplitterOptions) {
    this.opts = opts;
  }

  /** push feeds one chunk; each line it completes is passed to onLine before push returns. */
  push(chunk: Uint8Array): void {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      this.append(chunk.subarray(start, nl));
      this.flushLine();
      start = nl + 1;
    }
    // The stream may reuse its buffer after we return, so the unfinished tail is copied.
    if (start < chunk.length) this.append(chunk.slice(start));
  }

  /** end delivers a last line that had no trailing newline (a child that wrote it and exited). */
  end(): void {
    if (this.pendingBytes > 0 || this.overflowBytes > 0) this.flushLine();
  }

  private append(piece: Uint8Array): void {
    if (piece.length === 0) return;
    const room = this.opts.maxLineBytes - this.pendingBytes;
    if (this.overflowBytes > 0 || piece.length > room) {
      if (this.overflowBytes === 0 && !this.opts.keepPrefix) {
        // Dropping the whole line: free what we held now rather than at the newline.
        this.overflowBytes = this.pendingBytes;
        this.pending = [];
        this.pendingBytes = 0;
      }
      const kept = this.opts.keepPrefix ? Math.max(0, room) : 0;
      if (kept > 0) this.keep(piece.subarray(0, kept));
      this.overflowBytes += piece.length - kept;
      return;
    }
    this.keep(piece);
  }

  private keep(piece: Uint8Array): void {
    this.pending.push(piece);
    this.pendingBytes += piece.length;
  }

  private flushLine(): void {
    const parts = this.pending;
    const total = this.pendingBytes;
    const overflow = this.overflowBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.overflowBytes = 0;
    const line = parts.length === 1 && parts[0] ? parts[0] : concat(parts, total);
    this.opts.onLine(line, overflow);
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
