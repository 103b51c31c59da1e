import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollAnalysisStep } from "../../src/app/steps/analysis.js";
import type { StepState } from "../../src/domain/run/run.js";
import { PrometheusClient } from "../../src/prometheus/prometheus-client.js";
import { analysisStepText } from "../../src/slack/blocks/analysis-blocks.js";
import { logger } from "../../src/telemetry/pino-logger.js";
import { ANALYSIS_STEP, analysisRun } from "../../testkit/analysis-run.js";
import { hangUpServer } from "../../testkit/hang-up.js";
import { onLoopback } from "../../testkit/loopback-server.js";

/**
 * Prometheus's API answering badly, on a real loopback server, read as the analysis step reads it: what the run's
 * analysis says of each query.
 */
let answer: (request: IncomingMessage, response: ServerResponse) => void;
const server = createServer((request, response) => answer(request, response));
let url: string;

beforeAll(async () => {
  url = `http://${await onLoopback(server)}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const run = analysisRun("run-p1", "v2");

/** The analysis step's outcome after one evaluation of one query, `errors < 0.01`. */
async function evaluated(at = url) {
  const outcome = await pollAnalysisStep(
    run,
    {
      source: new PrometheusClient({ url: at, bearerTokenFile: null, timeoutMs: 2000, logger }),
      queries: [{ name: "errors", query: "errors", threshold: { op: "<", value: 0.01 } }],
      rules: { minimumSoakMs: 60_000, consecutiveFailures: 2, timeoutMs: 600_000 },
      intervalMs: 10_000,
    },
    () => new Date(),
    new AbortController().signal,
  );
  if (outcome.kind !== "again") throw new Error(`the analysis ended: ${outcome.kind}`);
  return outcome;
}

/** The analysis step's message after one evaluation. */
const analysisSays = async (at = url) => (await evaluated(at)).message;

/** The analysis step on the card after one evaluation. */
async function cardSays(): Promise<string | null> {
  return analysisStepText(ANALYSIS_STEP, {
    status: "waiting",
    analysis: (await evaluated()).analysis,
  } as StepState);
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

  it("an answer broken off half-way: Prometheus was reached and broke it off, not evaluated, asked again", async () => {
    answer = (_, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"status":"success"', () => response.socket?.destroy());
    };
    expect(await analysisSays()).toBe(
      `soak not started: waiting for every query to pass: errors: not evaluated (Prometheus at ${url} broke off its answer to the query after 19 bytes: check Prometheus's health and any proxy or load balancer in front of it that cuts connections; asked again at the next evaluation)`,
    );
  });

  it("a connection closed or reset before any answer: said so, not blamed on the address, asked again", async () => {
    const hangUp = await hangUpServer();
    try {
      const says = (how: string) =>
        `soak not started: waiting for every query to pass: errors: not evaluated (Prometheus at ${hangUp.url} was reached, but the connection was ${how} before any answer to the query: check Prometheus's health and any proxy or load balancer in front of it that cuts connections; asked again at the next evaluation)`;
      expect(await analysisSays(hangUp.url)).toBe(says("closed"));
      hangUp.how = "reset";
      expect(await analysisSays(hangUp.url)).toBe(says("reset"));
      expect(hangUp.connections).toBe(2);
    } finally {
      await hangUp.close();
    }
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

describe("what Prometheus flags about an answer, as the card shows it", () => {
  const vector = { resultType: "vector", result: [{ metric: {}, value: [1712000000, "0.001"] }] };

  it("warnings and infos under the figure: one line each, escaped, cut, the rest counted", async () => {
    answer = json(200, {
      status: "success",
      data: vector,
      warnings: [
        'PromQL warning: encountered a mix of histograms and floats for metric name "http_request_duration_seconds"',
        "partial response: store 10.0.0.7:10901 <!channel>\n\u202Etimed out",
        "partial response: store 10.0.0.7:10901 <!channel>\n\u202Etimed out",
        `remote_read: ${"y".repeat(300)}`,
      ],
      infos: ['metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "errors"'],
    });
    expect(await cardSays()).toBe(
      [
        ":mag: analysing: soak 0 s of 60 s",
        ":large_green_circle: errors = 0.001 (passes: must be &lt; 0.01)",
        '    :warning: Prometheus warned: PromQL warning: encountered a mix of histograms and floats for metric name "http_request_duration_seconds"',
        "    :warning: Prometheus warned: partial response: store 10.0.0.7:10901 &lt;!channel&gt; timed out",
        `    :warning: Prometheus warned: remote_read: ${"y".repeat(187)}…`,
        "    :warning: Prometheus warned: and 1 more (in phasegate's log)",
      ].join("\n"),
    );
  });

  it("an info alone is said as an info; the query still counts", async () => {
    answer = json(200, { status: "success", data: vector, infos: ["metric might not be a counter"] });
    const outcome = await evaluated();
    expect(outcome.analysis?.passingSince).not.toBeNull();
    expect(outcome.message).toBe(
      "soak 0 s of 60 s: errors = 0.001 (passes: must be < 0.01; Prometheus warned: info: metric might not be a counter)",
    );
  });

  it("warnings that are not a list of strings name the field, and the query is not evaluated", async () => {
    answer = json(200, { status: "success", data: vector, warnings: "partial response" });
    expect(await analysisSays()).toBe(
      "soak not started: waiting for every query to pass: errors: not evaluated (Prometheus answered HTTP 200 with JSON that is not a query answer (warnings: Invalid input: expected array, received string): check prometheus.url)",
    );
    answer = json(200, { status: "success", data: vector, infos: ["fine", 7] });
    expect(await analysisSays()).toBe(
      "soak not started: waiting for every query to pass: errors: not evaluated (Prometheus answered HTTP 200 with JSON that is not a query answer (infos.1: Invalid input: expected string, received number): check prometheus.url)",
    );
  });
});
