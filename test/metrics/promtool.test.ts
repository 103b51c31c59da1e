import { execFileSync } from "node:child_process";
import { register } from "prom-client";
import { describe, expect, it } from "vitest";
import { MetricsNotifier } from "../../src/metrics/metrics-notifier.js";
// Modules whose counters are registered when they load.
import "../../src/slack/inbound/request-guard.js";
import "../../src/wiring/state-watch.js";
import { recordSlackApiError, slackNotificationsRerouted } from "../../src/slack/slack-metrics.js";
import { collectProcessMetrics } from "../../src/telemetry/metrics-registry.js";
import { RunHistory } from "../ship/run-changes.js";

/** Prometheus's own linter (`promtool check metrics`, Debian's prometheus package): names, units, help, types. */
function promtoolProblems(exposition: string): string {
  try {
    execFileSync("promtool", ["check", "metrics"], { input: exposition, encoding: "utf8", stdio: "pipe" });
    return "";
  } catch (error) {
    const failed = error as { code?: string; stdout?: string; stderr?: string };
    if (failed.code === "ENOENT") throw new Error("promtool is not installed: run scripts/bootstrap.sh");
    return `${failed.stdout ?? ""}${failed.stderr ?? ""}`;
  }
}

describe("the metrics phasegate exports", () => {
  it("pass promtool's checks of names, units and help texts", async () => {
    collectProcessMetrics();
    const notifier = new MetricsNotifier();
    const history = new RunHistory()
      .step(0, 0, 30)
      .step(1, 30, 40)
      .apply(40, { type: "step-started", step: 2 })
      .apply(160, { type: "step-succeeded", step: 2 });
    for (const change of history.changes) await notifier.notify(change);
    recordSlackApiError("chat.update", new Error("boom"));
    slackNotificationsRerouted.inc({ error: "is_archived", route: "direct-message" });
    const exposition = await register.metrics();
    expect(exposition).toContain("phasegate_runs_started_total");
    expect(exposition).toContain("process_resident_memory_bytes");
    expect(exposition).toContain("phasegate_slack_requests_refused_total");
    expect(exposition).toContain("phasegate_redis_state_lost_total");
    expect(exposition).toContain("phasegate_slack_notifications_rerouted_total");
    // prom-client's standard Node.js names are kept as they are, for stock dashboards, though promtool flags
    // three of its gauges for a "_total" suffix; phasegate's own names must pass.
    const ours = promtoolProblems(exposition)
      .split("\n")
      .filter((line) => line.startsWith("phasegate_"));
    expect(ours).toEqual([]);
    expect(promtoolProblems("# HELP bad_metric x\n# TYPE bad_metric counter\nbad_metric 1\n")).toContain(
      'counter metrics should have "_total" suffix',
    );
  });
});
