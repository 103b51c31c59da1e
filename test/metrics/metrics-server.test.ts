import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MetricsServer, serveMetricsFromEnv } from "../../src/metrics/metrics-server.js";
import { slackApiErrors } from "../../src/slack/slack-metrics.js";
import { logger } from "../../src/telemetry/pino-logger.js";

describe("the worker's metrics server", () => {
  let server: MetricsServer | null;

  beforeAll(async () => {
    server = await serveMetricsFromEnv({ METRICS_PORT: "0" }, logger);
  });

  afterAll(() => server?.close());

  const get = (path: string) => fetch(`http://127.0.0.1:${server?.port}${path}`);

  it("serves every metric of the process on /metrics", async () => {
    slackApiErrors.inc({ method: "chat.update", error: "ratelimited" });
    const answer = await get("/metrics");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await answer.text();
    expect(text).toContain('phasegate_slack_api_errors_total{method="chat.update",error="ratelimited"} 1');
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it("answers /healthz, and 404 elsewhere", async () => {
    expect((await get("/healthz")).status).toBe(200);
    expect((await get("/slack/events")).status).toBe(404);
  });

  it("is not started without METRICS_PORT, and says what a bad one should be", async () => {
    expect(await serveMetricsFromEnv({}, logger)).toBeNull();
    for (const bad of ["metrics", "", " ", "-1", "70000", "9464.5"])
      await expect(serveMetricsFromEnv({ METRICS_PORT: bad }, logger)).rejects.toThrow(
        "METRICS_PORT: must be a port number from 0 to 65535, e.g. 9464",
      );
  });
});
