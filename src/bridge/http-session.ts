import { logger } from "../shared/log.ts";
import { EventRing } from "./event-ring.ts";
import { jsonReply, rpcError } from "./http-replies.ts";
import type { ClientEnd, SessionEnd } from "../relay/client-end.ts";
import { errorFrame, logNotification, type ClientFrame, type JsonRpcId } from "../relay/frames.ts";
import { RelaySession, type RelayDeps } from "../relay/relay-session.ts";
import { classifyChildMessage, type ChildMessage, type ProgressToken } from "./child-message.ts";
import type { OpenedSession } from "./session-open.ts";
import { SseSink } from "./sse-sink.ts";

const log = logger("bridge.http");
// How long an unprimed request stream may stay silent before its headers are sent anyway.
const HEADERS_AFTER_MS = 100;

/** HttpSessionLimits bound what one session holds: keep-alive period, requests in flight, queued bytes per connection, replay ring size. */
export interface HttpSessionLimits {
  keepAliveMs: number;
  maxInflight: number;
  maxQueuedBytes: number;
  ringEvents: number;
  ringChars: number;
}

/** ClientRequest is one JSON-RPC request from a POST, with what the session needs to answer it. */
export interface ClientRequest {
  frame: Extract<ClientFrame, { kind: "request" }>;
  text: string;
  progressToken?: ProgressToken;
  /** json answers with one application/json body instead of an SSE stream. */
  json: boolean;
  /** prime sends an id-only event first (clients of 2025-11-25 and later can resume from it). */
  prime: boolean;
  initialize?: boolean;
}

// A stream is one logical SSE stream: 0 is the GET stream, every request gets its own. Its
// connection (sink) may come and go; its events live on in the ring for Last-Event-ID.
interface Stream {
  no: number;
  requestId?: JsonRpcId;
  progressToken?: ProgressToken;
  sink?: SseSink;
  reply?: (r: Response) => void;
  written: number;
}

function eventId(stream: number, seq: number): string {
  return `${stream}.${seq}`;
}

/**
 * HttpSession is the Streamable HTTP end of one relayed session: it puts each child message on the
 * right SSE stream (or JSON reply) with an id, keeps recent events for resumption, and routes
 * progress; its RelaySession owns the lifecycle (timers, in-flight failures, usage, the lease).
 */
export class HttpSession implements ClientEnd {
  /** negotiatedVersion is the protocol version from the child's initialize result. */
  negotiatedVersion: string | undefined;
  /** relay is the session's core: client messages go to the child through it. */
  readonly relay: RelaySession;
  private seq = 0;
  private streamCount = 0;
  private initId: JsonRpcId | undefined;
  private readonly ring: EventRing;
  private readonly standalone: Stream = { no: 0, written: 0 };
  private readonly open = new Map<number, Stream>();
  private readonly inflight = new Map<JsonRpcId, Stream>();
  private readonly progress = new Map<ProgressToken, Stream>();
  private readonly headers: Record<string, string>;

  constructor(
    readonly id: string,
    readonly opened: OpenedSession,
    readonly ownerId: number,
    private readonly limits: HttpSessionLimits,
    deps: Omit<RelayDeps, "transport" | "access">,
    private readonly onEnd: (s: HttpSession) => void,
  ) {
    this.headers = { "mcp-session-id": id };
    this.ring = new EventRing(limits.ringEvents, limits.ringChars);
    this.relay = new RelaySession(opened, this, { ...deps, transport: "http" });
  }

  /** request forwards a client request and answers with the stream (or the JSON body) that will carry its response. */
  request(req: ClientRequest): Response | Promise<Response> {
    const id = req.frame.id;
    if (this.inflight.has(id)) {
      return rpcError(400, -32600, `Invalid Request: a request with id ${JSON.stringify(id)} is already in flight in this session`, this.headers);
    }
    if (this.inflight.size >= this.limits.maxInflight) {
      return rpcError(429, -32000, `Too Many Requests: this session already has ${this.limits.maxInflight} requests in flight`, this.headers);
    }
    const stream: Stream = { no: ++this.streamCount, requestId: id, written: 0 };
    this.inflight.set(id, stream);
    this.open.set(stream.no, stream);
    if (req.progressToken !== undefined) {
      stream.progressToken = req.progressToken;
      this.progress.set(req.progressToken, stream);
    }
    if (req.initialize) this.initId = id;
    let answer: Response | Promise<Response>;
    if (req.json) {
      answer = new Promise<Response>((resolve) => (stream.reply = resolve));
    } else {
      const sink = this.attach(stream);
      if (req.prime) sink.prime(eventId(stream.no, ++this.seq));
      else {
        // Unprimed streams send nothing until the first event; a slow call would hold the response
        // headers until then. A fast answer stays one buffered body; a slow one gets headers now.
        setTimeout(() => stream.written === 0 && sink.connected && sink.comment("waiting for the server"), HEADERS_AFTER_MS).unref();
      }
      answer = sink.response;
    }
    this.relay.fromClient(req.text, req.frame);
    return answer;
  }

  /** forward passes a client notification or response to the child (202 for the client once written). */
  async forward(text: string, frame: ClientFrame, cancelled?: JsonRpcId): Promise<void> {
    if (cancelled !== undefined) {
      // The child won't answer a cancelled request; end its stream so nothing waits for it.
      const stream = this.inflight.get(cancelled);
      if (stream) this.respond(stream, stream.reply ? errorFrame(cancelled, -32000, "the request was cancelled by the client") : undefined);
    }
    await this.relay.fromClient(text, frame);
  }

  /**
   * listen opens the GET stream, first delivering what was meant for it while none was connected.
   * A new GET replaces an open one instead of being refused (the SDK server answers 409): a
   * connection that died without a FIN looks open for a long time, and would lock the client out.
   */
  listen(prime: boolean): Response {
    this.relay.touch();
    this.standalone.sink?.close();
    const sink = this.attach(this.standalone);
    const missed = this.ring.after(0, this.standalone.written);
    for (const e of missed) if (sink.event(eventId(0, e.seq), e.data)) this.standalone.written = e.seq;
    if (missed.length === 0) {
      if (prime) sink.prime(eventId(0, ++this.seq));
      else sink.comment("stream open");
    }
    return sink.response;
  }

  /**
   * resume reconnects the stream a Last-Event-ID belongs to and replays what came after it. A
   * request stream that already ended is replayed and closed; with nothing left to replay it is
   * 204, so clients that reconnect after an error response (the SDK does) stop there.
   */
  resume(lastEventId: string): Response {
    this.relay.touch();
    const m = /^(\d{1,9})\.(\d{1,15})$/.exec(lastEventId);
    const no = m ? Number(m[1]) : -1;
    const after = m ? Number(m[2]) : -1;
    if (!m || no > this.streamCount || after > this.seq) {
      return rpcError(400, -32000, `Bad Request: Last-Event-ID ${JSON.stringify(lastEventId.slice(0, 40))} is not an event of this session`, this.headers);
    }
    const missed = this.ring.after(no, after);
    const stream = no === 0 ? this.standalone : this.open.get(no);
    if (!stream && missed.length === 0) return new Response(null, { status: 204, headers: this.headers });
    if (stream) stream.sink?.close(); // a reconnect replaces the connection it lost
    const target: Stream = stream ?? { no, written: 0 };
    const sink = this.attach(target);
    for (const e of missed) if (sink.event(eventId(no, e.seq), e.data)) target.written = e.seq;
    if (!stream) sink.close();
    return sink.response;
  }

  /** send is the ClientEnd's delivery of one child line (or a core error frame) to its stream; SSE sinks bound their own queues. */
  send(line: string, responseTo?: JsonRpcId): boolean {
    this.fromChild(line, responseTo);
    return true;
  }

  /** close is the ClientEnd's ending, after the core failed the in-flight requests: the GET stream gets the notice, every stream ends. */
  close(how: SessionEnd): void {
    this.onEnd(this);
    if (how.notice) this.emit(this.standalone, logNotification("info", how.notice));
    for (const [id, stream] of [...this.inflight]) this.respond(stream, errorFrame(id, -32000, how.error.message, how.error.data));
    this.standalone.sink?.close();
    for (const stream of this.open.values()) stream.sink?.close();
    log.debug("http session ended", { server: this.opened.serverKey, reason: how.reason });
  }

  private attach(stream: Stream): SseSink {
    const sink: SseSink = new SseSink({
      headers: this.headers,
      keepAliveMs: this.limits.keepAliveMs,
      maxQueuedBytes: this.limits.maxQueuedBytes,
      onGone: () => {
        if (stream.sink === sink) stream.sink = undefined;
      },
    });
    stream.sink = sink;
    return sink;
  }

  private fromChild(line: string, responseTo?: JsonRpcId): void {
    // The core has parsed a response for its id already: parse again only for the one that carries
    // the negotiated version (initialize's), or for what isn't a response (progress tokens).
    const msg: ChildMessage = responseTo !== undefined && responseTo !== this.initId ? { kind: "response", id: responseTo, version: undefined } : classifyChildMessage(line);
    if (msg.kind === "response") {
      const stream = this.inflight.get(msg.id);
      if (!stream) return log.debug("dropped a child response to no open request", { server: this.opened.serverKey });
      if (msg.id === this.initId) {
        this.negotiatedVersion = msg.version;
        this.initId = undefined;
      }
      return this.respond(stream, line);
    }
    this.emit(this.routeOf(msg.progressToken), line);
  }

  // Over stdio a child can't say which request a log line or a sampling request belongs to. Progress
  // names its request by token; anything else goes with the only open request stream when there is
  // one, else on the GET stream, else on the newest request stream so it is not held back.
  private routeOf(progressToken: ProgressToken | undefined): Stream {
    if (progressToken !== undefined) {
      const s = this.progress.get(progressToken);
      return s && !s.reply ? s : this.standalone;
    }
    let count = 0;
    let newest: Stream | undefined;
    for (const s of this.inflight.values()) {
      if (s.reply) continue;
      count++;
      newest = s;
    }
    if (count === 1 || (newest && !this.standalone.sink)) return newest!;
    return this.standalone;
  }

  // The last message of a request stream (undefined: end it without one).
  private respond(stream: Stream, line: string | undefined): void {
    this.inflight.delete(stream.requestId!);
    this.open.delete(stream.no);
    if (stream.progressToken !== undefined && this.progress.get(stream.progressToken) === stream) this.progress.delete(stream.progressToken);
    if (stream.reply) {
      if (line !== undefined) stream.reply(jsonReply(line, this.headers));
      return;
    }
    if (line !== undefined) this.emit(stream, line);
    stream.sink?.close();
  }

  private emit(stream: Stream, line: string): void {
    const seq = ++this.seq;
    this.ring.push({ stream: stream.no, seq, data: line });
    if (stream.sink?.event(eventId(stream.no, seq), line)) stream.written = seq;
  }
}
