/** RingEvent is one SSE event kept for replay: the stream it went out on, its session-wide sequence number, its data. */
export interface RingEvent {
  stream: number;
  seq: number;
  data: string;
}

/**
 * EventRing keeps a session's most recent SSE events, bounded in count and in characters, so a
 * client that lost a connection can resume with Last-Event-ID. The oldest events go first; an
 * event larger than the whole budget is never kept (it can only be delivered live).
 */
export class EventRing {
  private readonly slots: (RingEvent | undefined)[];
  private head = 0;
  private size = 0;
  private chars = 0;

  constructor(
    private readonly maxEvents: number,
    private readonly maxChars: number,
  ) {
    if (!Number.isInteger(maxEvents) || maxEvents < 1) throw new Error(`EventRing needs maxEvents ≥ 1, got ${maxEvents}`);
    this.slots = new Array(maxEvents);
  }

  /** push keeps an event, evicting the oldest ones until it fits. */
  push(e: RingEvent): void {
    if (e.data.length > this.maxChars) return;
    while (this.size === this.maxEvents || this.chars + e.data.length > this.maxChars) this.evict();
    this.slots[(this.head + this.size) % this.maxEvents] = e;
    this.size++;
    this.chars += e.data.length;
  }

  /** after returns the kept events of one stream with a sequence number above `seq`, oldest first. */
  after(stream: number, seq: number): RingEvent[] {
    const out: RingEvent[] = [];
    for (let i = 0; i < this.size; i++) {
      const e = this.slots[(this.head + i) % this.maxEvents]!;
      if (e.stream === stream && e.seq > seq) out.push(e);
    }
    return out;
  }

  private evict(): void {
    const e = this.slots[this.head]!;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.maxEvents;
    this.size--;
    this.chars -= e.data.length;
  }
}
