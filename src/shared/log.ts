/** LogLevel orders messages; anything below the configured level is dropped. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const secretKey = /pass(word)?|secret|token|authorization|api_?key|cookie/i;

/** Logger writes structured JSON lines (human-readable lines on a TTY) with secrets redacted. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(component: string): Logger;
}

interface Sink {
  level: LogLevel;
  pretty: boolean;
  write(line: string): void;
}

const sink: Sink = {
  level: "info",
  pretty: Boolean(process.stdout.isTTY),
  write: (line) => process.stdout.write(line + "\n"),
};

/** configureLogging sets the level and output once, from main. Tests may pass a write function to capture lines. */
export function configureLogging(opts: { level?: LogLevel; pretty?: boolean; write?: (line: string) => void }): void {
  if (opts.level) sink.level = opts.level;
  if (opts.pretty !== undefined) sink.pretty = opts.pretty;
  if (opts.write) sink.write = opts.write;
}

/** redact replaces values of secret-looking keys, recursively, so they never reach a log line. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = secretKey.test(k) ? "[redacted]" : redact(v, depth + 1);
  return out;
}

function emit(level: LogLevel, component: string, msg: string, fields?: Record<string, unknown>): void {
  if (rank[level] < rank[sink.level]) return;
  const clean = fields ? (redact(fields) as Record<string, unknown>) : {};
  if (sink.pretty) {
    const extra = Object.entries(clean)
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    sink.write(`${new Date().toISOString().slice(11, 23)} ${level.toUpperCase().padEnd(5)} [${component}] ${msg}${extra ? " " + extra : ""}`);
    return;
  }
  sink.write(JSON.stringify({ time: new Date().toISOString(), level, component, msg, ...clean }));
}

/** logger returns a Logger for one component (e.g. "http", "db", "supervisor"). */
export function logger(component: string): Logger {
  return {
    debug: (m, f) => emit("debug", component, m, f),
    info: (m, f) => emit("info", component, m, f),
    warn: (m, f) => emit("warn", component, m, f),
    error: (m, f) => emit("error", component, m, f),
    child: (sub) => logger(`${component}.${sub}`),
  };
}
