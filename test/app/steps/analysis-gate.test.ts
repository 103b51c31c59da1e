import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../../src/domain/run/run.js";
import { type ControlServer, startControlServer } from "../../../src/fleet/control-server.js";
import { Fleet } from "../../../src/fleet/fleet.js";
import { freePorts } from "../../../src/net/free-ports.js";
import type { LocalPrometheus } from "../../../src/prometheus/local-prometheus.js";
import { statusCard } from "../../../src/slack/blocks/status-card.js";
import { logger } from "../../../src/telemetry/pino-logger.js";
import { APPROVER, createHarness, type Harness, REQUESTER } from "../../../testkit/engine-harness.js";
import { startTestPrometheus, waitForSeries } from "../../../testkit/prometheus.js";
import { findDjangoPython } from "../../../testkit/python.js";
import { shopDir } from "../../../testkit/run-cli.js";

const ADMIN = "U_ADMIN";
/** The share of the new version's requests that failed over the last 5 s (NaN, no data, while it serves none). */
const ERROR_RATE =
  'sum(rate(shop_errors_total{version="{version}"}[5s])) / sum(rate(shop_requests_total{version="{version}"}[5s]))';

const access = {
  starters: [],
  approvers: { users: [APPROVER, REQUESTER] },
  admins: { users: [ADMIN] },
  fourEyes: true,
};

function analysis(url: string, more: Record<string, unknown> = {}) {
  return {
    prometheus: { url, timeoutSeconds: 2 },
    queries: [{ name: "errorRate", query: ERROR_RATE, threshold: "< 0.01" }],
    minimumSoakSeconds: 4,
    intervalSeconds: 1,
    consecutiveFailures: 2,
    timeoutSeconds: 90,
    ...more,
  };
}

let prometheus: LocalPrometheus;
let fleet: Fleet | null = null;
let control: ControlServer;
let harness: Harness;

beforeAll(async () => {
  const [first = 0, second = 0, dead = 0] = await freePorts(3);
  const ports = [first, second];
  prometheus = await startTestPrometheus(ports.map((port) => `127.0.0.1:${port}`));
  control = await startControlServer({
    requestRollout: (version) => fleet?.requestRollout(version) ?? "no fleet",
  });
  const python = findDjangoPython();
  harness = await createHarness("analysis-gate", {
    shop: {
      config: {
        access,
        deployer: {
          kind: "command",
          command: [python, "-m", "traffic.request_deploy", control.url, "{version}"],
          cwd: shopDir,
        },
        rollout: {
          kind: "http",
          urls: ports.map((port) => `http://127.0.0.1:${port}/version`),
          pollIntervalSeconds: 1,
          maxPollIntervalSeconds: 1,
          deadlineSeconds: 120,
        },
        analysis: analysis(prometheus.url),
      },
    },
    // Nothing listens on its Prometheus port.
    dark: {
      config: {
        access,
        analysis: analysis(`http://127.0.0.1:${dead}`, { minimumSoakSeconds: 1, timeoutSeconds: 5 }),
      },
    },
  });
  const database = harness.databases.get("shop");
  if (!database) throw new Error("no shop database");
  fleet = new Fleet({
    replica: { python, shopDir, databaseUrl: database.url, pauseMs: 20 },
    ports,
    slotPauseMs: 300,
    logger,
  });
  await fleet.start("v1");
  await waitForSeries(prometheus, 'shop_requests_total{version="v1"}');
  harness.startWorkers(1);
}, 180_000);

afterAll(async () => {
  fleet?.kill();
  await harness?.close();
  await control?.close();
  await prometheus?.stop();
});

/** Every state the run was seen in by the notifier. */
function seen(runId: string): Run[] {
  return harness.notifier.changes.filter((c) => c.after.id === runId).map((c) => c.after);
}

const analysisStep = (run: Run) => run.steps[run.plan.steps.findIndex((s) => s.kind === "analysis")];

describe("the analysis gate on a fleet scraped by Prometheus", () => {
  it("a healthy release passes the soak, across a worker restart, and the gate opens", async () => {
    const run = await harness.start("shop", "v3");
    expect(run.plan.steps.map((s) => s.kind)).toEqual([
      "migrate",
      "deploy",
      "wait-rollout",
      "analysis",
      "approval",
      "migrate",
    ]);
    const soaking = await harness.waitFor(
      run.id,
      (r) => analysisStep(r)?.analysis?.passingSince != null,
      "a passing evaluation",
    );
    const since = analysisStep(soaking)?.analysis?.passingSince;
    // The soak is in the run: a new worker goes on with it.
    await Promise.all(harness.workers.splice(0).map((worker) => worker.close()));
    harness.startWorkers(1);
    const open = await harness.waitFor(run.id, (r) => r.status === "awaiting-approval", "its gate open");
    const step = analysisStep(open);
    expect(step?.status).toBe("succeeded");
    expect(step?.message).toMatch(
      /^analysis passed: every query passed for \d+ s: errorRate = 0 \(passes: must be < 0\.01\)$/,
    );
    expect(step?.analysis?.passingSince).toBe(since);
    // On the way, the card showed the values live, updated in place.
    const cards = seen(run.id)
      .filter((r) => analysisStep(r)?.status === "waiting")
      .map((r) => JSON.stringify(statusCard(r).blocks));
    expect(cards.some((card) => card.includes(":mag: analysing: soak "))).toBe(true);
    expect(cards.some((card) => card.includes(":large_green_circle: errorRate = 0 (passes"))).toBe(true);
    const cancelled = await harness.engine.useCases.cancel({ runId: run.id, user: REQUESTER });
    expect(cancelled.ok).toBe(true);
  }, 120_000);

  it("with errors above the threshold the gate never offers Approve, the run fails with the value; an admin may override, audited", async () => {
    await fleet?.breakVersion("v3");
    const run = await harness.start("shop", "v3");
    const failed = await harness.waitFor(run.id, (r) => r.status === "failed", "failed");
    expect(failed.outcome).toMatch(
      /^step 3 \(Analyse the new code's metrics until they pass for the soak\) failed: analysis failed in 2 evaluations in a row: errorRate = 0\.\d+ \(fails: must be < 0\.01\); nothing destructive ran$/,
    );
    expect(seen(run.id).some((r) => r.status === "awaiting-approval")).toBe(false);
    expect(failed.steps.at(-1)?.status).toBe("skipped");
    const card = JSON.stringify(statusCard(failed, { buttons: true }).blocks);
    expect(card).toContain(":x: failed after");
    expect(card).toContain(`/migrate override ${run.id} &lt;reason&gt;`);

    const refused = await harness.engine.useCases.overrideAnalysis({
      runId: run.id,
      user: APPROVER,
      reason: "I want it anyway",
    });
    expect(refused).toMatchObject({ ok: false, code: "not-allowed" });
    const overridden = await harness.engine.useCases.overrideAnalysis({
      runId: run.id,
      user: ADMIN,
      reason: "the errors come from a load test client",
    });
    expect(overridden.ok).toBe(true);
    const open = await harness.waitFor(run.id, (r) => r.status === "awaiting-approval", "its gate open");
    expect(analysisStep(open)?.message).toBe(
      "analysis overridden by U_ADMIN: the errors come from a load test client",
    );
    const audit = (await harness.engine.useCases.audit(run.id)) ?? [];
    expect(audit.filter((e) => e.action === "analysis-overridden")).toEqual([
      expect.objectContaining({ outcome: "refused", actor: { kind: "user", id: APPROVER } }),
      expect.objectContaining({
        outcome: "applied",
        actor: { kind: "user", id: ADMIN },
        from: "failed",
        to: "awaiting-approval",
        detail: "step 3: the errors come from a load test client",
      }),
    ]);
    await harness.engine.useCases.cancel({ runId: run.id, user: REQUESTER });
  }, 120_000);

  it("Prometheus unreachable: the gate waits and says so, then the run fails with the reason", async () => {
    const run = await harness.start("dark", "v2");
    const failed = await harness.waitFor(run.id, (r) => r.status === "failed", "failed");
    const waiting = seen(run.id).map((r) => analysisStep(r)?.message ?? "");
    expect(waiting).toContainEqual(
      expect.stringMatching(
        /^soak not started: waiting for every query to pass: errorRate: not evaluated \(Prometheus at http:\/\/127\.0\.0\.1:\d+ could not be reached: /,
      ),
    );
    expect(failed.outcome).toMatch(
      /timed out: the analysis did not pass within 5 s: errorRate: not evaluated \(Prometheus at .* could not be reached: .*\); nothing destructive ran$/,
    );
    expect(seen(run.id).some((r) => r.status === "awaiting-approval")).toBe(false);
  }, 120_000);
});
