import { afterEach, describe, expect, it } from "bun:test";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { tempDir } from "../helpers/temp.ts";
import { HAS_OPENSSL, selfSignedCert } from "../helpers/tls.ts";

const hasOpenssl = HAS_OPENSSL;
if (!hasOpenssl) console.warn("skipping the wss:// test: openssl is not installed, so no certificate can be generated");

let h: HostedInstance | undefined;
const dirs: (() => void)[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const d of dirs.splice(0)) d();
});

describe("wss:// without a proxy", () => {
  it.skipIf(!hasOpenssl)("serves a WebSocket MCP session over TLS with --tls-cert/--tls-key", async () => {
    const t = tempDir();
    dirs.push(t.cleanup);
    const { cert, key } = selfSignedCert(t.path);
    h = await startHosted({ "tls-cert": cert, "tls-key": key });
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const url = h.wsUrl("io.github.test/echo", `api_key=${h.key}`);
    expect(url).toStartWith("wss://");
    const ca = await Bun.file(cert).text();
    // Bun's WebSocket takes TLS options as its second argument (a Bun extension).
    const ws = new WebSocket(url, { protocols: ["mcp"], tls: { ca } } as unknown as string[]);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error("wss connection failed"));
    });
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }));
    const reply = await new Promise<string>((resolve) => (ws.onmessage = (e) => resolve(String(e.data))));
    expect(JSON.parse(reply).result.serverInfo.name).toBe("hearth-echo");
    ws.close();
  });
});
