import { LineSplitter } from "./line-splitter.ts";

/** ChildOutputOptions wires a child's two output pipes to the callbacks that consume them. */
export interface ChildOutputOptions {
  stdout: ReadableStream<Uint8Array>;
  stderr: ReadableStream<Uint8Array>;
  maxMessageBytes: number;
  maxStderrLineBytes: number;
  /** onMessage gets each stdout line that is a JSON object, as the exact text the child wrote. */
  onMessage: (line: string) => void;
  /** onStderr gets each stderr line, decoded leniently and cut to maxStderrLineBytes. */
  onStderr: (line: string) => void;
  /** onNote gets Hearth's remarks about the output (dropped lines), for the child's log. */
  onNote: (text: string) => void;
}

/** ChildOutput is the reading side of a child: a promise for both pipes' EOF, and a way to give up on them. */
export interface ChildOutput {
  drained: Promise<void>;
  cancel(): void;
  /** pause stops reading stdout (stderr keeps draining): the pipe fills and the child blocks on write. */
  pause(): void;
  resume(): void;
}

/** Gate holds the stdout reader while a slow client catches up. */
class Gate {
  private waiting: Promise<void> | undefined;
  private open: (() => void) | undefined;
  pause(): void {
    this.waiting ??= new Promise((resolve) => (this.open = resolve));
  }
  resume(): void {
    this.open?.();
    this.waiting = this.open = undefined;
  }
  get wait(): Promise<void> | undefined {
    return this.waiting;
  }
}

/**
 * readChildOutput reads both pipes until EOF, always: stderr is drained even when nobody listens,
 * because a child blocked on a full stderr pipe stops answering on stdout too. stdout is framed as
 * newline-delimited JSON-RPC: each complete line that parses as a JSON object is passed on
 * unchanged (the bridge relays bytes, never a re-serialisation); anything else is noted and dropped.
 */
export function readChildOutput(opts: ChildOutputOptions): ChildOutput {
  const strict = new TextDecoder("utf-8", { fatal: true });
  const lenient = new TextDecoder("utf-8");
  const stdout = new LineSplitter({
    maxLineBytes: opts.maxMessageBytes,
    keepPrefix: false,
    onLine: (bytes, overflow) => {
      if (overflow > 0) {
        opts.onNote(`dropped a stdout message of ${bytes.length + overflow} bytes: over the ${opts.maxMessageBytes}-byte limit`);
        return;
      }
      const line = frameMessage(bytes, strict, opts.onNote);
      if (line !== undefined) opts.onMessage(line);
    },
  });
  const stderr = new LineSplitter({
    maxLineBytes: opts.maxStderrLineBytes,
    keepPrefix: true,
    onLine: (bytes, overflow) => {
      const text = stripCr(lenient.decode(bytes));
      opts.onStderr(overflow > 0 ? `${text} …[${overflow} bytes truncated]` : text);
    },
  });
  const readers = [opts.stdout.getReader(), opts.stderr.getReader()] as const;
  const gate = new Gate();
  const drained = Promise.all([pump(readers[0], stdout, opts.onNote, gate), pump(readers[1], stderr, opts.onNote)]).then(() => {});
  return {
    drained,
    cancel: () => {
      gate.resume();
      for (const reader of readers) reader.cancel().catch(() => {});
    },
    pause: () => gate.pause(),
    resume: () => gate.resume(),
  };
}

function frameMessage(bytes: Uint8Array, decoder: TextDecoder, note: (text: string) => void): string | undefined {
  let text: string;
  try {
    text = stripCr(decoder.decode(bytes));
  } catch {
    note(`dropped a stdout line of ${bytes.length} bytes that is not UTF-8`);
    return undefined;
  }
  if (text.trim() === "") return undefined;
  if (!isJsonObject(text)) {
    note(`dropped a non-JSON stdout line: ${text.slice(0, 200)}`);
    return undefined;
  }
  return text;
}

async function pump(reader: ReadableStreamDefaultReader<Uint8Array>, splitter: LineSplitter, note: (t: string) => void, gate?: Gate): Promise<void> {
  try {
    for (;;) {
      if (gate?.wait) await gate.wait;
      const { done, value } = await reader.read();
      if (done) break;
      splitter.push(value);
    }
    splitter.end();
  } catch (e) {
    note(`reading output failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function stripCr(text: string): string {
  return text.endsWith("\r") ? text.slice(0, -1) : text;
}

// Objects only: MCP dropped JSON-RPC batches, and a bare scalar is never a message.
function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
