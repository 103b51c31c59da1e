import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readingOf } from "../../src/domain/run/analysis.js";
import type { LocalPrometheus } from "../../src/prometheus/local-prometheus.js";
import { MAX_ANSWER_BYTES, PrometheusClient } from "../../src/prometheus/prometheus-client.js";
import { logger } from "../../src/telemetry/pino-logger.js";
import { onLoopback } from "../../testkit/loopback-server.js";
import { prometheusScraping } from "../../testkit/prometheus.js";

/** An exporter of two counters, as a replica of the shop exports them. */
let requests = 100;
const exporter = createServer((_, response) => {
  requests += 10;
  response.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
  response.end(
    `shop_requests_total{version="v3",slot="0"} ${requests}\nshop_errors_total{version="v3",slot="0"} 5\n`,
  );
});

/** A misbehaving server in front of (or instead of) Prometheus: each test sets what it answers. */
let misbehave: (
  request: import("node:http").IncomingMessage,
  response: import("node:http").ServerResponse,
) => void;
const front = createServer((request, response) => misbehave(request, response));

let prometheus: LocalPrometheus;
let client: PrometheusClient;
let frontUrl: string;
let dir: string;

beforeAll(async () => {
  frontUrl = `http://${await onLoopback(front)}`;
  dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-prometheus-client-"));
  prometheus = await prometheusScraping(exporter, "shop_requests_total");
  client = new PrometheusClient({ url: prometheus.url, bearerTokenFile: null, timeoutMs: 5000, logger });
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  front.close();
  await rm(dir, { recursive: true, force: true });
});

const threshold = { op: "<", value: 0.01 } as const;

describe("PrometheusClient against a real Prometheus", () => {
  it("reads a vector's samples with their labels", async () => {
    const answer = await client.query('shop_errors_total{version="v3"}');
    expect(answer).toEqual({
      ok: true,
      samples: [{ series: expect.stringContaining('version="v3"'), value: "5" }],
    });
    if (!answer.ok) return;
    const reading = readingOf("errors", threshold, answer.samples);
    expect(reading).toMatchObject({ kind: "value", value: "5", passed: false });
  });

  it("reads a scalar", async () => {
    expect(await client.query("scalar(vector(0.25))")).toEqual({
      ok: true,
      samples: [{ series: null, value: "0.25" }],
    });
  });

  it("an empty result is no data, and so is NaN (a ratio over no requests)", async () => {
    const empty = await client.query("shop_nothing_total");
    expect(empty).toEqual({ ok: true, samples: [] });
    if (empty.ok) expect(readingOf("x", threshold, empty.samples)).toMatchObject({ kind: "no-data" });
    const nan = await client.query("vector(0) / vector(0)");
    if (!nan.ok) throw new Error(nan.reason);
    expect(readingOf("x", threshold, nan.samples)).toMatchObject({
      kind: "no-data",
      detail: "the query returned only NaN",
    });
  });

  it("+Inf fails a < threshold instead of being lost", async () => {
    const inf = await client.query("vector(1) / vector(0)");
    if (!inf.ok) throw new Error(inf.reason);
    expect(readingOf("p99", { op: "<", value: 0.5 }, inf.samples)).toMatchObject({
      kind: "value",
      value: "+Inf",
      passed: false,
    });
  });

  it("a query Prometheus refuses says why, with its errorType", async () => {
    const answer = await client.query("rate(shop_requests_total[");
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.reason).toMatch(/^Prometheus refused the query \(bad_data\): /);
  });

  it("a range vector is refused with what to do", async () => {
    const answer = await client.query("shop_requests_total[1m]");
    expect(answer).toEqual({
      ok: false,
      reason: "the query returned a range vector: wrap it in a function such as rate(…[5m])",
    });
  });
});

describe("PrometheusClient against what is not Prometheus", () => {
  const at = (url: string, extra: Partial<ConstructorParameters<typeof PrometheusClient>[0]> = {}) =>
    new PrometheusClient({ url, bearerTokenFile: null, timeoutMs: 2000, logger, ...extra });

  it("nobody listening: unreachable, named", async () => {
    const closed = createServer();
    const address = await onLoopback(closed);
    closed.close();
    const answer = await at(`http://${address}`).query("up");
    expect(answer).toEqual({
      ok: false,
      reason: expect.stringMatching(new RegExp(`^Prometheus at http://${address} could not be reached: `)),
    });
  });

  it("an HTML error page of a proxy", async () => {
    misbehave = (_, response) => {
      response.writeHead(502, { "content-type": "text/html" });
      response.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    };
    const answer = await at(frontUrl).query("up");
    expect(answer).toEqual({
      ok: false,
      reason: expect.stringMatching(/^Prometheus answered HTTP 502 with something that is not JSON \(<html>/),
    });
  });

  it("JSON that is no query answer", async () => {
    misbehave = (_, response) =>
      response.end(JSON.stringify({ status: "success", data: { resultType: "vector" } }));
    expect(await at(frontUrl).query("up")).toEqual({
      ok: false,
      reason:
        "Prometheus answered HTTP 200 with JSON that is not a query answer (data.result: Invalid input: expected array, received undefined): check prometheus.url",
    });
  });

  it("an answer larger than the bound is not buffered", async () => {
    misbehave = (_, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      const chunk = "x".repeat(64 * 1024);
      for (let sent = 0; sent <= MAX_ANSWER_BYTES; sent += chunk.length) response.write(chunk);
      response.end();
    };
    const answer = await at(frontUrl).query("up");
    expect(answer.ok).toBe(false);
    if (!answer.ok)
      expect(answer.reason).toMatch(/larger than 1048576 bytes: make the query return fewer series/);
  });

  it("no answer within the time limit", async () => {
    misbehave = () => undefined;
    expect(await at(frontUrl, { timeoutMs: 300 }).query("up")).toEqual({
      ok: false,
      reason: `Prometheus at ${frontUrl} did not answer within 0.3 s`,
    });
  });

  it("sends the bearer token of its file, read at each query, and says so when it is refused", async () => {
    const file = path.join(dir, "token");
    let seen = "";
    misbehave = (request, response) => {
      seen = request.headers.authorization ?? "";
      const allowed = seen === "Bearer second";
      response.writeHead(allowed ? 200 : 401, { "content-type": "application/json" });
      response.end(JSON.stringify({ status: "success", data: { resultType: "scalar", result: [1, "1"] } }));
    };
    const client = at(frontUrl, { bearerTokenFile: file });
    await writeFile(file, "first\n");
    expect(await client.query("up")).toEqual({
      ok: false,
      reason: `Prometheus at ${frontUrl} answered HTTP 401: check the bearer token`,
    });
    expect(seen).toBe("Bearer first");
    await writeFile(file, "second\n");
    expect(await client.query("up")).toEqual({ ok: true, samples: [{ series: null, value: "1" }] });
  });

  it("a missing token file is a reason, not a crash", async () => {
    const answer = await at(frontUrl, { bearerTokenFile: path.join(dir, "absent") }).query("up");
    expect(answer).toEqual({
      ok: false,
      reason: expect.stringMatching(/^could not read the bearer token: ENOENT/),
    });
  });
});
