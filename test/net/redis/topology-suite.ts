import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVER, createHarness, type Harness, type HarnessRedis } from "../../../testkit/engine-harness.js";
import { approveAHundredTimesAtOnce, expectRanOnce, migrateLogLength } from "../../wiring/scenarios.js";
import { spawnWorker, type WorkerProcess } from "../../wiring/worker-process.js";

export interface StartedTopology extends HarnessRedis {
  close(): Promise<void>;
}

/** A failover of the Redis topology while a run's expand migration runs; resolves once Redis serves again. */
export interface Failover<T extends StartedTopology> {
  name: string;
  trigger(topology: T, h: Harness): Promise<void>;
}

/** A check of what the runs left in Redis, after them. */
export interface AfterRuns<T extends StartedTopology> {
  name: string;
  check(topology: T, h: Harness): Promise<void>;
}

/** Longer than any failover of the test topologies: a worker keeps its step through one, nobody takes it over. */
const LOCK_DURATION_MS = 10_000;

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never saw ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The engine on a Redis topology of its own: full runs of examples/shop by two `phasegate worker` processes,
 * 100 concurrent approvals, and each failover in the middle of a run.
 */
export function describeOnTopology<T extends StartedTopology>(
  name: string,
  start: () => Promise<T>,
  failovers: Failover<T>[],
  afterRuns: AfterRuns<T>[] = [],
): void {
  describe(`phasegate on ${name}`, () => {
    let topology: T;
    let h: Harness;
    const workers: WorkerProcess[] = [];

    beforeAll(async () => {
      topology = await start();
      const failing = Object.fromEntries(
        failovers.map((_, i) => [`failover${i}`, { migrateSleepSeconds: 3 }]),
      );
      h = await createHarness(
        name.replaceAll(/\W+/g, "-").toLowerCase(),
        { shop: { migrateSleepSeconds: 0 }, race: { migrateSleepSeconds: 0 }, ...failing },
        topology,
      );
      for (const i of [1, 2])
        workers.push(
          spawnWorker(h.file("services.yaml"), h.prefix, h.file(`worker-${i}.log`), {
            redisEnv: h.redisEnv,
            lockDurationMs: LOCK_DURATION_MS,
          }),
        );
    }, 120_000);

    afterAll(async () => {
      // The topology's processes go away even when a failed test leaves the harness unable to close.
      try {
        await Promise.all(workers.map((w) => w.stop()));
        await h?.close();
      } finally {
        await topology?.close();
      }
    });

    it("two worker processes run a full run of examples/shop, each step once, the audit complete", async () => {
      const before = await migrateLogLength(h);
      const run = await h.start("shop");
      await h.waitFor(run.id, (r) => r.status === "awaiting-approval", "to the gate");
      expect(h.columns("shop")).toEqual(expect.arrayContaining(["is_active", "is_enabled"]));
      expect((await h.engine.useCases.approve({ runId: run.id, user: APPROVER })).ok).toBe(true);
      await expectRanOnce(h, run.id, before);
      expect(h.columns("shop")).not.toContain("is_enabled");
    });

    it("100 concurrent approvals: exactly one transition, the others refused", () =>
      approveAHundredTimesAtOnce(h, "race"));

    failovers.forEach((failover, i) => {
      it(`${failover.name} in the middle of a run: the run finishes, no step runs twice, the audit is complete`, {
        timeout: 120_000,
      }, async () => {
        const service = `failover${i}`;
        const before = await migrateLogLength(h);
        const run = await h.start(service);
        await until("the expand migration running", async () => (await migrateLogLength(h)) > before);
        await failover.trigger(topology, h);
        await h.waitFor(run.id, (r) => r.status === "awaiting-approval", "to the gate");
        expect((await h.engine.useCases.approve({ runId: run.id, user: APPROVER })).ok).toBe(true);
        await expectRanOnce(h, run.id, before);
        expect(h.columns(service)).not.toContain("is_enabled");
      });
    });

    for (const after of afterRuns) it(after.name, () => after.check(topology, h));
  });
}
