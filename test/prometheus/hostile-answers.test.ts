import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollAnalysisStep } from "../../src/app/steps/analysis.js";
import type { Run } from "../../src/domain/run/run.js";
import { PrometheusClient } from "../../src/prometheus/prometheus-client.js";

/**
 * Prometheus's API answering badly, on a real loopback server, read as the analysis step reads it: what the run's
 * analysis says of each query.
 */
let answer: (request: IncomingMessage, response: ServerResponse) => void;
const server = createServer((request, response) => answer(request, response));
let url: string;

beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const run = {
  id: "run-p1",
  service: "shop",
  version: "v2",
  currentStep: 0,
  steps: [{ startedAt: new Date().toISOString() }],
} as unknown as Run;

/** The analysis step's message after one evaluation of one query, `errors < 0.01`. */
async function analysisSays(): Promise<string> {
  const outcome = await pollAnalysisStep(
    run,
    {
      source: new PrometheusClient({ url, bearerTokenFile: null, timeoutMs: 2000 }),
      queries: [{ name: "errors", query: "errors", threshold: { op: "<", value: 0.01 } }],
      rules: { minimumSoakMs: 60_000, consecutiveFailures: 2, timeoutMs: 600_000 },
      intervalMs: 10_000,
    },
    () => new Date(),
    new AbortController().signal,
  );
  if (outcome.kind !== "again") throw new Error(`the analysis ended: ${outcome.kind}`);
  return outcome.message;
}

const json = (status: number, body: unknown) => (_: IncomingMessage, response: ServerResponse) => {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
};

describe("Prometheus answering badly, as the analysis says it", () => {
  it("JSON of the wrong shape names the field it got wrong", async () => {
    answer = json(200, {
      status: "success",
      data: { resultType: "vector", result: [{ metric: {}, value: [1712000000, 0.5] }] },
    });
    expect(await analysisSays()).toBe(
      "soak not started: waiting for every query to pass: errors: not evaluated (Prometheus answered HTTP 200 with JSON that is not a query answer (data.result.0.value.1: Invalid input: expected string, received number): check prometheus.url)",
    );
  });

  it("a rate limit or a server error without Prometheus's JSON is not blamed on the URL", async () => {
    const says = async (status: number, body: string) => {
      answer = (_, response) => {
        response.writeHead(status, { "content-type": "text/plain" });
        response.end(body);
      };
      return analysisSays();
    };
    const pending = "soak not started: waiting for every query to pass: errors: not evaluated (";
    expect(await says(429, "")).toBe(
      `${pending}Prometheus answered HTTP 429 with something that is not JSON (an empty body): too many requests: asked again at the next evaluation)`,
    );
    expect(await says(502, "<html><h1>502 Bad Gateway</h1></html>")).toBe(
      `${pending}Prometheus answered HTTP 502 with something that is not JSON (<html><h1>502 Bad Gateway</h1></html>): a server error, not the query's: asked again at the next evaluation)`,
    );
    expect(await says(404, "404 page not found\n")).toBe(
      `${pending}Prometheus answered HTTP 404 with something that is not JSON (404 page not found): check prometheus.url)`,
    );
  });

  it("a redirect (to a login page, to https) is said with where it led, not followed", async () => {
    answer = (_, response) => {
      response.writeHead(302, { location: "https://sso.example.com/login" });
      response.end();
    };
    expect(await analysisSays()).toBe(
      `soak not started: waiting for every query to pass: errors: not evaluated (Prometheus at ${url} redirected the query to https://sso.example.com/login (HTTP 302): set prometheus.url to where the API answers)`,
    );
  });
});
