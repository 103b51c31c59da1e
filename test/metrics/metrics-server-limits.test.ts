import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MetricsServer, serveMetricsFromEnv } from "../../src/metrics/metrics-server.js";
import { MAX_CONNECTIONS, SERVER_TIMEOUTS } from "../../src/net/http/server-limits.js";
import { logger } from "../../src/telemetry/pino-logger.js";
import { dribbleBeside, floodPast } from "../../testkit/slow-clients.js";

let server: MetricsServer | null;
let port: number;

beforeAll(async () => {
  server = await serveMetricsFromEnv({ METRICS_PORT: "0" }, logger);
  port = server?.port ?? 0;
});

afterAll(() => server?.close());

describe("the worker's metrics server against slow and flooding clients", () => {
  it("cuts a client dribbling its headers off with 408 within the headers limit, and answers others meanwhile", async () => {
    const { other, answer, closedAfterMs } = await dribbleBeside(port, "/healthz", 20_000);
    expect(other).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    // Before, Node's defaults kept it 60 to 90 s.
    expect(closedAfterMs).toBeLessThan(SERVER_TIMEOUTS.headersTimeout + 2500);
  }, 30_000);

  it("closes connections beyond the cap at once, and still serves those it holds", async () => {
    const flood = await floodPast(port, MAX_CONNECTIONS, "/healthz");
    // Before, it took every connection it was offered.
    expect(flood.beyondCap).toBe("");
    expect(flood.held).toMatch(/^HTTP\/1\.1 200 /);
    expect(flood.after).toMatch(/^HTTP\/1\.1 200 /);
  });
});
