import { join } from "node:path";

/** HAS_OPENSSL says whether certificates can be made here (tests skip with a reason otherwise). */
export const HAS_OPENSSL = Bun.which("openssl") !== null;

/** selfSignedCert writes a P-256 certificate for localhost/127.0.0.1 and its key into dir. */
export function selfSignedCert(dir: string): { cert: string; key: string } {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  const gen = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert], { stderr: "pipe" });
  if (gen.exitCode !== 0) throw new Error(`openssl failed: ${gen.stderr.toString()}`);
  return { cert, key };
}
