import { register } from "prom-client";
import { beforeEach, describe, expect, it } from "vitest";
import { MetricsNotifier } from "../../src/metrics/metrics-notifier.js";
import { recordSlackApiError } from "../../src/slack/slack-metrics.js";
import { collectProcessMetrics } from "../../src/telemetry/metrics-registry.js";
import { RunHistory } from "../ship/run-changes.js";
import { sample } from "../ship/samples.js";

const BOB = { kind: "user", id: "U_BOB" } as const;

async function notifyAll(history: RunHistory): Promise<void> {
  const notifier = new MetricsNotifier();
  for (const change of history.changes) await notifier.notify(change);
}

beforeEach(() => register.resetMetrics());

describe("metrics notifier", () => {
  it("counts a run that goes all the way and times each of its steps", async () => {
    const history = new RunHistory()
      .step(0, 0, 30)
      .step(1, 30, 40)
      .apply(40, { type: "step-started", step: 2 })
      .apply(100, { type: "rollout-progress", step: 2, message: "1 of 2 updated" })
      .apply(160, { type: "step-succeeded", step: 2 })
      .apply(760, { type: "approval-granted", gate: "contract", by: "U_BOB" }, BOB)
      .step(4, 761, 766);
    await notifyAll(history);

    expect(await sample("phasegate_runs_started_total", { service: "shop", start: "new" })).toBe(1);
    expect(await sample("phasegate_runs_finished_total", { service: "shop", outcome: "succeeded" })).toBe(1);
    const migrate = { kind: "migrate", status: "succeeded" };
    expect(await sample("phasegate_step_duration_seconds_sum", migrate)).toBe(30 + 5);
    expect(await sample("phasegate_step_duration_seconds_count", migrate)).toBe(2);
    expect(await sample("phasegate_step_duration_seconds_sum", { kind: "deploy", status: "succeeded" })).toBe(
      10,
    );
    const rollout = { service: "shop", status: "succeeded" };
    expect(await sample("phasegate_rollout_wait_seconds_sum", rollout)).toBe(120);
    expect(await sample("phasegate_rollout_wait_seconds_count", rollout)).toBe(1);
    expect(
      await sample("phasegate_approval_wait_seconds_sum", { service: "shop", decision: "approved" }),
    ).toBe(600);
    expect(
      await sample("phasegate_approval_wait_seconds_bucket", {
        service: "shop",
        decision: "approved",
        le: "300",
      }),
    ).toBe(0);
    expect(
      await sample("phasegate_approval_wait_seconds_bucket", {
        service: "shop",
        decision: "approved",
        le: "600",
      }),
    ).toBe(1);
  });

  it("tells a rejection, an expired gate and a cancelled rollout apart", async () => {
    const atGate = (id: string) => new RunHistory({ id }).step(0, 0, 10).step(1, 10, 20).step(2, 20, 50);
    const rejected = atGate("shop-1").apply(80, {
      type: "approval-rejected",
      gate: "contract",
      by: "U_BOB",
      reason: "not today",
    });
    const expired = atGate("shop-2").apply(14_450, { type: "timed-out", step: 3, message: "no approval" });
    const cancelled = new RunHistory({ id: "shop-3" })
      .step(0, 0, 10)
      .step(1, 10, 20)
      .apply(20, { type: "step-started", step: 2 })
      .apply(65, { type: "cancelled", by: "U_BOB" }, BOB)
      // A cancel during the rollout wait: the worker halts the rollout, then ends the step.
      .apply(65, { type: "step-failed", step: 2, message: "stopped by a cancel" });
    for (const history of [rejected, expired, cancelled]) await notifyAll(history);

    expect(await sample("phasegate_runs_started_total", { service: "shop", start: "new" })).toBe(3);
    for (const outcome of ["rejected", "failed", "cancelled"])
      expect(await sample("phasegate_runs_finished_total", { service: "shop", outcome })).toBe(1);
    expect(await sample("phasegate_runs_finished_total", { service: "shop", outcome: "succeeded" })).toBe(
      undefined,
    );
    const approval = (decision: string) =>
      sample("phasegate_approval_wait_seconds_sum", { service: "shop", decision });
    expect(await approval("rejected")).toBe(30);
    expect(await approval("timed-out")).toBe(14_400);
    expect(await approval("approved")).toBe(undefined);
    expect(await sample("phasegate_rollout_wait_seconds_sum", { service: "shop", status: "cancelled" })).toBe(
      45,
    );
    expect(
      await sample("phasegate_rollout_wait_seconds_count", { service: "shop", status: "succeeded" }),
    ).toBe(2);
  });

  it("counts a retry of a failed run as a start, and its second ending", async () => {
    const history = new RunHistory()
      .apply(0, { type: "step-started", step: 0 })
      .apply(20, { type: "step-failed", step: 0, message: "lock timeout" })
      .apply(300, { type: "retried", by: "U_BOB" }, BOB)
      .apply(300, { type: "step-started", step: 0 })
      .apply(310, { type: "step-failed", step: 0, message: "lock timeout again" });
    await notifyAll(history);

    expect(await sample("phasegate_runs_started_total", { service: "shop", start: "retry" })).toBe(1);
    expect(await sample("phasegate_runs_finished_total", { service: "shop", outcome: "failed" })).toBe(2);
    const failedMigrate = { kind: "migrate", status: "failed" };
    expect(await sample("phasegate_step_duration_seconds_count", failedMigrate)).toBe(2);
    expect(await sample("phasegate_step_duration_seconds_sum", failedMigrate)).toBe(30);
  });

  it("shows every run metric in the text Prometheus scrapes", async () => {
    await notifyAll(new RunHistory().step(0, 0, 3));
    const text = await register.metrics();
    expect(text).toContain('phasegate_runs_started_total{service="shop",start="new"} 1');
    expect(text).toContain(
      'phasegate_step_duration_seconds_bucket{le="5",kind="migrate",status="succeeded"} 1',
    );
  });
});

describe("Slack API errors", () => {
  it("counts errors by method and by what Slack or the client said", async () => {
    const platform = Object.assign(new Error("An API error occurred: channel_not_found"), {
      code: "slack_webapi_platform_error",
      data: { ok: false, error: "channel_not_found" },
    });
    const limited = Object.assign(new Error("rate limited"), {
      code: "slack_webapi_rate_limited_error",
      retryAfter: 30,
    });
    recordSlackApiError("chat.update", platform);
    recordSlackApiError("chat.update", platform);
    recordSlackApiError("chat.postMessage", limited);
    recordSlackApiError("chat.postMessage", new TypeError("fetch failed"));

    const errors = (method: string, error: string) =>
      sample("phasegate_slack_api_errors_total", { method, error });
    expect(await errors("chat.update", "channel_not_found")).toBe(2);
    expect(await errors("chat.postMessage", "rate_limited")).toBe(1);
    expect(await errors("chat.postMessage", "unknown")).toBe(1);
  });
});

describe("process metrics", () => {
  it("put Node's own metrics next to phasegate's, once however often they are asked for", async () => {
    collectProcessMetrics();
    collectProcessMetrics();
    await notifyAll(new RunHistory());
    const text = await register.metrics();
    expect(text.match(/^# TYPE process_resident_memory_bytes gauge$/gm)).toHaveLength(1);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
    expect(text).not.toContain("phasegate_process_");
    expect(text).toContain('phasegate_runs_started_total{service="shop",start="new"} 1');
  });
});
