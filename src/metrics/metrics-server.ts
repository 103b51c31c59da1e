import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { register } from "prom-client";
import { z } from "zod";
import { describeIssues } from "../config/load-services.js";
import { portNumber } from "../config/port-number.js";
import { limitedServer } from "../net/http/server-limits.js";
import type { Logger } from "../ports/logger.js";
import { collectProcessMetrics } from "../telemetry/metrics-registry.js";

/** The environment the metrics server reads. */
export const metricsEnvSchema = z.object({
  METRICS_PORT: portNumber(9464).optional(),
});

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * /metrics and /healthz for a process without the Slack app's HTTP server (`phasegate worker`), on METRICS_PORT;
 * null when it is not set. The worker's step metrics exist only in its own process, so it must be scraped too.
 */
export async function serveMetricsFromEnv(
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<MetricsServer | null> {
  const parsed = metricsEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(describeIssues(parsed.error.issues).join("; "));
  const port = parsed.data.METRICS_PORT;
  if (port === undefined) return null;
  collectProcessMetrics();
  const server = limitedServer((req, res) => {
    if (req.url === "/healthz") return res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    if (req.url !== "/metrics")
      return res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    register.metrics().then(
      (body) => res.writeHead(200, { "content-type": register.contentType }).end(body),
      (error: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`${error.message}\n`),
    );
  });
  server.listen(port);
  await once(server, "listening");
  const bound = (server.address() as AddressInfo).port;
  logger.info({ port: bound }, "serving /metrics and /healthz");
  return {
    port: bound,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
