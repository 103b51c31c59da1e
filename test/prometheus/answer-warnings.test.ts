import { createServer } from "node:http";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollAnalysisStep } from "../../src/app/steps/analysis.js";
import type { StepState } from "../../src/domain/run/run.js";
import type { LocalPrometheus } from "../../src/prometheus/local-prometheus.js";
import { PrometheusClient } from "../../src/prometheus/prometheus-client.js";
import { analysisStepText } from "../../src/slack/blocks/analysis-blocks.js";
import { stepStateText } from "../../src/slack/blocks/status-card.js";
import { decodeRun } from "../../src/store/run-schema.js";
import { analysisRun, ANALYSIS_STEP as step } from "../../testkit/analysis-run.js";
import { onLoopback } from "../../testkit/loopback-server.js";
import { shopRun } from "../../testkit/plans.js";
import { prometheusScraping } from "../../testkit/prometheus.js";

/**
 * A real Prometheus whose remote-read store fails every read: it still answers from its own TSDB, and says in the
 * answer's `warnings` that the store failed, the store's error page quoted (here a hostile one).
 */
const exporter = createServer((_, response) => {
  response.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
  response.end('shop_error_ratio{version="v3"} 0.001\n');
});
const ERROR_PAGE = `store <!channel> down\n\u202Egnp.exe ${"x".repeat(400)}`;
const store = createServer((_, response) => {
  response.writeHead(500, { "content-type": "text/plain" });
  response.end(ERROR_PAGE);
});

let prometheus: LocalPrometheus;
let storeUrl: string;
const logged: Array<{ msg: string; warnings?: string[] }> = [];
const logger = pino({ level: "info" }, { write: (line: string) => logged.push(JSON.parse(line)) });

beforeAll(async () => {
  storeUrl = `http://${await onLoopback(store)}/read`;
  prometheus = await prometheusScraping(exporter, "shop_error_ratio", [storeUrl]);
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  store.close();
});

const run = analysisRun("run-w1", "v3");

/** One evaluation of `errorRate < 0.01` asked of the real Prometheus. */
function evaluate(query: string, minimumSoakMs = 60_000) {
  const now = new Date();
  return pollAnalysisStep(
    run,
    {
      source: new PrometheusClient({ url: prometheus.url, bearerTokenFile: null, timeoutMs: 5000, logger }),
      queries: [{ name: "errorRate", query, threshold: { op: "<", value: 0.01 } }],
      rules: { minimumSoakMs, consecutiveFailures: 2, timeoutMs: 600_000 },
      intervalMs: 10_000,
    },
    () => now,
    new AbortController().signal,
  );
}

/** Prometheus's warning as the card carries it: one line, no bidi control, 200 characters and a cut. */
function shownWarning(): string {
  const head = `remote_read: remote server ${storeUrl} returned HTTP status 500 Internal Server Error: store <!channel> down gnp.exe `;
  return `${head}${"x".repeat(200 - head.length)}…`;
}

describe("what a real Prometheus flags about its answer reaches the card", () => {
  it("a figure with a warning still counts, and the card shows the warning below it, escaped", async () => {
    const outcome = await evaluate('sum(shop_error_ratio{version="{version}"})');
    expect(outcome.kind).toBe("again");
    if (outcome.kind !== "again") return;
    expect(outcome.analysis?.passingSince).not.toBeNull();
    const card = analysisStepText(step, { status: "waiting", analysis: outcome.analysis } as StepState);
    expect(card).toBe(
      [
        ":mag: analysing: soak 0 s of 60 s",
        ":large_green_circle: errorRate = 0.001 (passes: must be &lt; 0.01)",
        `    :warning: Prometheus warned: ${shownWarning().replaceAll("<", "&lt;").replaceAll(">", "&gt;")}`,
      ].join("\n"),
    );
    expect(outcome.message).toBe(
      `soak 0 s of 60 s: errorRate = 0.001 (passes: must be < 0.01; Prometheus warned: ${shownWarning()})`,
    );
    // The card is drawn again from the run as Redis keeps it.
    const kept = shopRun();
    kept.steps[0] = { ...(kept.steps[0] as StepState), status: "waiting", analysis: outcome.analysis };
    const stored = decodeRun(kept.id, JSON.stringify(kept)).steps[0];
    expect(stored && analysisStepText(step, stored)).toBe(card);
  });

  it("the gate opened after the soak: the analysis step says the figure, and the warning whole under it", async () => {
    const outcome = await evaluate('sum(shop_error_ratio{version="{version}"})', 0);
    expect(outcome.kind).toBe("succeeded");
    if (outcome.kind !== "succeeded") return;
    // The step as the run keeps it at the gate (reducer, then Redis): its message and its last evaluation.
    const kept = shopRun();
    const ended = { status: "succeeded", message: outcome.message, analysis: outcome.analysis };
    kept.steps[0] = { ...(kept.steps[0] as StepState), ...ended } as StepState;
    const stored = decodeRun(kept.id, JSON.stringify(kept)).steps[0] as StepState;
    expect(stepStateText(kept, step, stored)).toBe(
      [
        ":white_check_mark: done: analysis passed: every query passed for 0 s: errorRate = 0.001 (passes: must be &lt; 0.01)",
        `    :warning: Prometheus warned about errorRate: ${shownWarning().replaceAll("<", "&lt;").replaceAll(">", "&gt;")}`,
      ].join("\n"),
    );
  });

  it("no data with a warning says both: the store that failed may be why there is none", async () => {
    const outcome = await evaluate("sum(shop_nothing_total)");
    expect(outcome.kind === "again" && outcome.message).toBe(
      `soak not started: waiting for every query to pass: errorRate: no data (the query returned no series; must be < 0.01; Prometheus warned: ${shownWarning()})`,
    );
  });

  it("the log keeps the warning longer, with the query", async () => {
    logged.length = 0;
    await evaluate('sum(shop_error_ratio{version="{version}"})');
    const line = logged.find((l) => l.msg === "Prometheus flagged its answer to a query");
    expect(line).toMatchObject({ query: 'sum(shop_error_ratio{version="v3"})', prometheus: prometheus.url });
    expect(line?.warnings?.[0]).toContain(`store <!channel> down gnp.exe ${"x".repeat(300)}`);
  });
});
