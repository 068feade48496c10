// A separate client process for the concurrent part: opens N WebSocket sessions at once, sends
// initialize on each, prints one JSON line when every one has answered (or failed), and keeps them
// open until its stdin closes. Separate so Hearth's RSS growth isn't mixed with the clients' own.
// Run: bun bench/lib/open-sessions.ts <ws-url> <n> [timeout-ms]

const INIT = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench-concurrent", version: "1" } } });

/** OpenReport is the line this script prints once every session is settled. */
export interface OpenReport {
  initializedMs: number;
  ok: number;
  failed: number;
  errors: string[];
}

function openAll(url: string, n: number, timeoutMs: number): Promise<{ report: OpenReport; sockets: WebSocket[] }> {
  const sockets: WebSocket[] = [];
  const errors = new Set<string>();
  let ok = 0;
  let failed = 0;
  let last = 0;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const settle = () => ok + failed === n && finish();
    const finish = () => resolve({ report: { initializedMs: last - t0, ok, failed: n - ok, errors: [...errors].slice(0, 5) }, sockets });
    const timer = setTimeout(() => {
      errors.add(`${n - ok - failed} not initialized after ${timeoutMs} ms`);
      finish();
    }, timeoutMs);
    for (let i = 0; i < n; i++) {
      const ws = new WebSocket(url, ["mcp"]);
      let done = false;
      const end = (good: boolean, why?: string) => {
        if (done) return;
        done = true;
        if (good) {
          ok++;
          last = performance.now();
        } else {
          failed++;
          if (why) errors.add(why);
        }
        if (ok + failed === n) clearTimeout(timer);
        settle();
      };
      ws.onopen = () => ws.send(INIT);
      ws.onmessage = (ev) => {
        const text = String(ev.data);
        if (/"id"\s*:\s*1[,}]/.test(text)) end(text.includes('"result"'), text.slice(0, 120));
      };
      ws.onclose = (ev) => end(false, `closed ${ev.code} ${ev.reason}`.slice(0, 120));
      sockets.push(ws);
    }
  });
}

if (import.meta.main) {
  const [url, n, timeout] = [Bun.argv[2]!, Number(Bun.argv[3]), Number(Bun.argv[4] ?? 120_000)];
  const { report, sockets } = await openAll(url, n, timeout);
  console.log(JSON.stringify(report));
  for await (const _ of Bun.stdin.stream()) {
    // Held open until the bench closes our stdin.
  }
  const closed = sockets.map((ws) => new Promise<void>((r) => (ws.readyState === WebSocket.CLOSED ? r() : ((ws.onclose = () => r()), ws.close()))));
  await Promise.race([Promise.all(closed), Bun.sleep(5_000)]);
  process.exit(0);
}
