import { afterEach, describe, expect, it } from "bun:test";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";

let h: HostedInstance | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const COUNT = 30_000; // ~32 MB of notifications: twice Bun's per-socket send buffer limit
const MESSAGE_BYTES = '{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":" '.length + 1000 + 6;

// A raw WebSocket client that completes the handshake, sends one frame, then stops reading for a
// while: without backpressure the server's send buffer overflows and messages are lost.
async function stalledClient(url: URL, frame: string) {
  let received = 0;
  let reading = false;
  let resolveOpen: () => void = () => {};
  const opened = new Promise<void>((r) => (resolveOpen = r));
  const socket = await Bun.connect({
    hostname: url.hostname,
    port: Number(url.port),
    socket: {
      data(s, chunk) {
        received += chunk.length;
        resolveOpen();
        if (!reading) s.pause();
      },
    },
  });
  socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mcp\r\n\r\n`);
  await opened;
  const payload = Buffer.from(frame);
  const mask = Buffer.from([1, 2, 3, 4]);
  socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))]));
  return {
    resume() {
      reading = true;
      socket.resume();
    },
    received: () => received,
    close: () => socket.end(),
  };
}

describe("WebSocket backpressure", () => {
  it("holds the child back while its client doesn't read, loses nothing, and ends the child when the client goes", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/chatty", "chatty-server.ts");
    const client = await stalledClient(new URL(h.wsUrl("io.github.test/chatty", `api_key=${h.key}`)), '{"jsonrpc":"2.0","id":1,"method":"ping"}');
    await Bun.sleep(2500);
    client.resume();
    const expected = COUNT * MESSAGE_BYTES;
    const end = Date.now() + 20_000;
    while (client.received() < expected && Date.now() < end) await Bun.sleep(50);
    expect(client.received()).toBeGreaterThanOrEqual(expected);
    client.close();
    const gone = Date.now() + 10_000;
    while (h.hosting.supervisor.count() > 0 && Date.now() < gone) await Bun.sleep(50);
    expect(h.hosting.supervisor.count()).toBe(0);
  }, 40_000);
});
