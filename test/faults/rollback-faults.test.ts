import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transition } from "../../src/app/transition.js";
import type { Run } from "../../src/domain/run/run.js";
import { startWorker } from "../../src/wiring/start-worker.js";
import { APPROVER, createHarness, type Harness } from "../../testkit/engine-harness.js";
import { killProcessesWithEnv, processesGone } from "../../testkit/processes.js";
import { spawnWorker, type WorkerProcess } from "../wiring/worker-process.js";

/** Every process a worker starts inherits this variable: a test finds them all in /proc by it. */
const MARKER = "PHASEGATE_ROLLBACK_FAULT_TEST";

/**
 * Deploy hook (argv: run id, version, previousVersion, attempt): logs "start <pid> <ns> <version> <previous>
 * <attempt>" and "end <pid> <ns>" to <runId>.deploy-log; the first deploy of a rollback sleeps while slow-rollback
 * exists, long enough to be killed in the middle.
 */
const DEPLOY_SH = `echo "start $$ $(date +%s%N) $2 $3 $4" >> "$1.deploy-log"
if [ -f slow-rollback ] && [ "$2" = v1 ] && [ "$4" = 1 ]; then sleep 60; fi
echo "end $$ $(date +%s%N)" >> "$1.deploy-log"
echo "deployed $2 (attempt $4)"
`;

let h: Harness;
const processes: WorkerProcess[] = [];
const markers: string[] = [];

beforeAll(async () => {
  h = await createHarness("rollbackfaults", {
    shop: {
      config: {
        deployer: {
          kind: "command",
          command: ["sh", "rb-deploy.sh", "{runId}", "{version}", "{previousVersion}", "{attempt}"],
        },
      },
    },
  });
  await writeFile(h.file("rb-deploy.sh"), DEPLOY_SH);
});

afterAll(async () => {
  for (const worker of processes) worker.killHard();
  for (const marker of markers) killProcessesWithEnv(MARKER, marker);
  await h.close();
});

/** Stops the in-process workers: what runs next is up to the test. */
async function stopWorkers(): Promise<void> {
  await Promise.all(h.workers.splice(0).map((w) => w.close()));
}

/** A run of `version` taken to its gate by an in-process worker and rejected there, after its deploy. */
async function rejectedAfterDeploy(version: string): Promise<Run> {
  h.startWorkers(1);
  const run = await h.start("shop", version);
  await h.waitFor(run.id, (r) => r.status === "awaiting-approval", "to the gate");
  expect(await h.engine.useCases.reject({ runId: run.id, user: APPROVER, reason: "not now" })).toMatchObject({
    ok: true,
  });
  await stopWorkers();
  return h.waitFor(run.id, (r) => r.status === "rejected", "rejected");
}

function worker(): { process: WorkerProcess; marker: string } {
  const marker = randomUUID();
  markers.push(marker);
  const started = spawnWorker(
    h.file("services.yaml"),
    h.prefix,
    h.file(`worker-${processes.length + 1}.log`),
    {
      env: { [MARKER]: marker },
    },
  );
  processes.push(started);
  return { process: started, marker };
}

async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never saw ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const lines = async (runId: string) =>
  (await h.read(`${runId}.deploy-log`))
    .trim()
    .split("\n")
    .map((l) => l.split(" "));

describe("faults during a rollback", () => {
  it("a rollback stored but never queued (its process died) is queued again by the worker's reconcile", {
    timeout: 120_000,
  }, async () => {
    await rejectedAfterDeploy("v1");
    const run = await rejectedAfterDeploy("v2");
    expect(run.previousRelease).toEqual({ version: "v1", source: "last-deploy" });
    // What the bot stores on a click, without the job it queues next.
    const started = await transition(
      h.engine.workerDeps,
      run.id,
      { type: "rollback-started", by: APPROVER, toVersion: "v1" },
      { kind: "user", id: APPROVER },
    );
    expect(started.ok).toBe(true);
    // The rollback holds the service meanwhile: no run starts under it.
    expect(await h.engine.store.activeRunId("shop")).toBe(run.id);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await h.engine.store.get(run.id))?.rollback?.phase).toBe("queued");

    h.workers.push(
      startWorker(h.engine, { lockDurationMs: 2000, stalledIntervalMs: 1000, reconcileIntervalMs: 300 }),
    );
    const done = await h.waitFor(run.id, (r) => r.rollback?.status !== "running", "the rollback done");
    expect(done.rollback).toMatchObject({ status: "succeeded", executions: 1 });
    expect((await lines(run.id)).map((l) => [l[0], l[3], l[4], l[5]])).toEqual([
      ["start", "v2", "v1", "1"],
      ["end", undefined, undefined, undefined],
      ["start", "v1", "v2", "1"],
      ["end", undefined, undefined, undefined],
    ]);
    expect(await h.engine.store.activeRunId("shop")).toBeNull();
    await stopWorkers();
  });

  it("a worker SIGKILLed during the rollback's deploy: another one takes it over, never both at once", {
    timeout: 180_000,
  }, async () => {
    const run = await rejectedAfterDeploy("v3");
    // v1 is what the rollback before deployed last.
    expect(run.previousRelease).toEqual({ version: "v1", source: "last-deploy" });
    await writeFile(h.file("slow-rollback"), "");
    const first = worker();
    expect(await h.engine.useCases.rollback({ runId: run.id, user: APPROVER })).toMatchObject({ ok: true });
    await until("the rollback's deploy running", async () =>
      (await lines(run.id)).some((l) => l[0] === "start" && l[3] === "v1"),
    );
    first.process.killAlone();
    expect(await processesGone(MARKER, first.marker)).toEqual([]);
    const killedAt = Date.now();
    worker();
    const done = await h.waitFor(run.id, (r) => r.rollback?.status !== "running", "the rollback done");
    expect(done.rollback).toMatchObject({ status: "succeeded", attempts: 1, executions: 2 });

    // The killed deploy never ended; the second started after it was gone, and ended.
    const log = await lines(run.id);
    const rollback = log.slice(2);
    expect(rollback.map((l) => [l[0], l[3], l[5]])).toEqual([
      ["start", "v1", "1"],
      ["start", "v1", "2"],
      ["end", undefined, undefined],
    ]);
    expect(Number(rollback[1]?.[2]) / 1e6).toBeGreaterThanOrEqual(killedAt - 1000);
    expect(rollback[2]?.[1]).toBe(rollback[1]?.[1]);
    const audit = (await h.engine.useCases.audit(run.id)) ?? [];
    expect(audit.filter((a) => a.action === "rollback-deploying").map((a) => a.detail)).toEqual([
      null,
      "the worker restarted during the rollback's deploy; attempt 1 left nothing running; running it again, attempt 2",
    ]);
    expect(audit.find((a) => a.action === "rollback-deployed")?.detail).toBe("deployed v1 (attempt 2)");
  });
});
