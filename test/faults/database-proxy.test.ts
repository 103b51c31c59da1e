import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../src/domain/run/run.js";
import { createHarness, type Harness, REQUESTER } from "../../testkit/engine-harness.js";
import { pg } from "../../testkit/postgres.js";
import { type ProxyMode, TcpProxy } from "../../testkit/tcp-proxy.js";

const MIGRATE_SECONDS = 8;
let h: Harness;
const proxies = new Map<string, TcpProxy>();

beforeAll(async () => {
  for (const service of ["refused", "blackholed"])
    proxies.set(service, await new TcpProxy(pg.host, Number(pg.port)).start());
  const behind = (service: string) => ({
    // Each migrate sleeps first, so the fault can be switched on between the start of the step and Django's connect.
    migrateSleepSeconds: 2,
    databasePort: proxies.get(service)?.port,
    config: {
      timeouts: { migrateSeconds: MIGRATE_SECONDS, approvalSeconds: 3600 },
      // The live facts are read just before the migrate, through the proxy too: a blackhole holds them until
      // their limit (15 s by default) before the migrate starts. A read that answers takes 0.4 s on an idle machine.
      liveFacts: { timeoutSeconds: 5 },
    },
  });
  h = await createHarness("dbproxy", { refused: behind("refused"), blackholed: behind("blackholed") });
  h.startWorkers(1);
});

afterAll(async () => {
  await h.close();
  for (const proxy of proxies.values()) await proxy.stop();
});

/** Starts a run, switches the fault on once its migrate step runs, waits for the run to fail. */
async function failedBy(service: string, mode: ProxyMode): Promise<Run> {
  const proxy = proxies.get(service);
  if (!proxy) throw new Error(`no proxy for ${service}`);
  const run = await h.start(service);
  await h.waitFor(run.id, (r) => r.steps[0]?.status === "running", "its migrate running");
  await proxy.set(mode);
  const failed = await h.waitFor(run.id, (r) => r.status === "failed", "failed");
  await proxy.set("pass");
  return failed;
}

/** The run, retried once the database answers again, reaches its rollout with the expand migration applied once. */
async function recovers(service: string, run: Run): Promise<void> {
  expect(h.columns(service)).not.toContain("is_active");
  const retried = await h.engine.useCases.retry({ runId: run.id, user: REQUESTER });
  expect(retried.ok).toBe(true);
  const at = await h.waitFor(
    run.id,
    (r) => r.status === "waiting-rollout" || r.status === "awaiting-approval",
    "past its migrate",
  );
  expect(at.steps[0]).toMatchObject({ status: "succeeded", attempts: 2, executions: 2 });
  expect(h.columns(service)).toContain("is_active");
}

describe("PostgreSQL unreachable through a proxy during the migrate step", () => {
  it("refused: the step fails at once with Django's error, nothing runs twice, a retry goes through", {
    timeout: 120_000,
  }, async () => {
    const failed = await failedBy("refused", "refuse");
    const command = failed.steps[0]?.commands.at(-1);
    expect(command).toMatchObject({ timedOut: false, exitCode: 1 });
    expect(failed.outcome).toMatch(
      /^step 1 \(Apply 1 expand migration\) failed: migrate catalog 0002_product_is_active exited with 1: django\.db\.utils\.OperationalError: .*Connection refused/,
    );
    expect(failed.steps.slice(1).every((s) => s.status === "skipped")).toBe(true);
    await recovers("refused", failed);
  });

  it("blackholed: the step ends at its timeout with a message that says so, then a retry goes through", {
    timeout: 120_000,
  }, async () => {
    const failed = await failedBy("blackholed", "blackhole");
    expect(failed.steps[0]?.commands.at(-1)).toMatchObject({ timedOut: true });
    expect(failed.outcome).toContain(
      `migrate catalog 0002_product_is_active timed out (the step's limit, timeouts.migrateSeconds: ${MIGRATE_SECONDS} s; nothing answered in time: check that the database is reachable)`,
    );
    await recovers("blackholed", failed);
  });
});
