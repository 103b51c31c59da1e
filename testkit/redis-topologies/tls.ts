import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../../src/net/free-ports.js";
import { type Certificates, makeCertificates } from "../kube-sim/certificates.js";
import { startRedisProcess } from "./redis-process.js";

/** A redis-server of this test file that takes TLS connections, with a certificate of a throwaway CA. */
export interface TestTlsRedis {
  /** rediss://127.0.0.1:<tls port> */
  url: string;
  certificates: Certificates;
  close(): Promise<void>;
}

export async function startTlsRedis(): Promise<TestTlsRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), "phasegate-redis-tls-"));
  const certificates = makeCertificates(dir);
  const tlsPort = await freePort();
  // The plain port only serves the readiness check of startRedisProcess; phasegate uses the TLS one.
  const server = await startRedisProcess(dir, "tls", {
    args: () => [
      ...["--tls-port", String(tlsPort), "--tls-auth-clients", "no"],
      ...["--tls-cert-file", path.join(dir, "server.crt"), "--tls-key-file", path.join(dir, "server.key")],
      ...["--tls-ca-cert-file", certificates.caFile],
    ],
  });
  return {
    url: `rediss://127.0.0.1:${tlsPort}`,
    certificates,
    async close() {
      await server.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
