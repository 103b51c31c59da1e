import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../../src/domain/run/run.js";
import { cliArgv } from "../../../testkit/cli-entry.js";
import { APPROVER, createHarness, type Harness, REQUESTER } from "../../../testkit/engine-harness.js";
import type { TestDatabase } from "../../../testkit/postgres.js";
import { repoRoot } from "../../../testkit/run-cli.js";
import { shopWithProducts } from "../../../testkit/shop-table.js";

const ROWS = 50_000;
const BACKFILL_STEP = 3;
const backfill = (batchSize: number, pauseMs = 0) => ({
  backfill: {
    command: ["manage.py", "backfill_is_active", "--batch-size", String(batchSize)],
    progressIntervalSeconds: 1,
    pauseMs,
  },
});

/** Several Django processes per run, on a machine shared with other test files. */
const SLOW_TEST_MS = 180_000;

let h: Harness;

function database(service: string): TestDatabase {
  const db = h.databases.get(service);
  if (!db) throw new Error(`no database for ${service}`);
  return db;
}

const count = (db: TestDatabase, where: string) =>
  Number(db.query(`SELECT count(*) FROM catalog_product WHERE ${where}`));

/** `phasegate worker` in a process of its own, so the test can kill it like a crashed pod. */
function workerProcess(): ChildProcess {
  const args = ["worker", "--services", h.file("services.yaml"), "--prefix", h.prefix];
  const stall = ["--lock-duration-ms", "2000", "--stalled-interval-ms", "1000"];
  return spawn(process.execPath, cliArgv(...args, ...stall), {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: "silent" },
    stdio: "ignore",
  });
}

interface Batch {
  batch: number;
  changed: number;
  remaining: number;
}

/** Every batch recorded on the run, from its audit trail (whichever process ran it). */
async function recordedBatches(runId: string): Promise<Batch[]> {
  const entries = await h.engine.store.audit(runId);
  return entries.flatMap((entry) => {
    const match = entry.detail?.match(/^step 4: batch (\d+): (\d+) rows? changed, (\d+) remaining$/);
    return entry.action === "step-progress" && match
      ? [{ batch: Number(match[1]), changed: Number(match[2]), remaining: Number(match[3]) }]
      : [];
  });
}

const backfillBatches = (run: Run) => run.steps[BACKFILL_STEP]?.polls ?? 0;

beforeAll(async () => {
  h = await createHarness("backfill", {
    // Paced, so that the worker killed after its third batch leaves several batches, and progress to tell, to the next.
    shop: { config: backfill(5000, 400) },
    cancelme: { config: backfill(500) },
  });
  shopWithProducts(database("shop"), ROWS);
  shopWithProducts(database("cancelme"), 10_000);
});

afterAll(() => h.close());

describe("backfill step on examples/shop with 50,000 products", () => {
  it(
    "runs batch after batch, survives a killed worker without redoing batches, and the contract waits for it and the approval",
    async () => {
      const db = database("shop");
      const crashing = workerProcess();
      const run = await h.start("shop");
      expect(run.plan.steps.map((s) => s.kind)).toEqual([
        "migrate",
        "deploy",
        "wait-rollout",
        "backfill",
        "approval",
        "migrate",
      ]);
      const beforeKill = await h.waitFor(run.id, (r) => backfillBatches(r) >= 3, "three backfill batches");
      crashing.kill("SIGKILL");
      await once(crashing, "exit");
      const early = await h.engine.useCases.approve({ runId: run.id, user: APPROVER });
      expect(early.ok).toBe(false);

      h.startWorkers(1);
      const atGate = await h.waitFor(run.id, (r) => r.status === "awaiting-approval", "to the gate");
      expect(count(db, "is_active IS NULL")).toBe(0);
      expect(count(db, "is_active <> is_enabled")).toBe(0);
      expect(h.columns("shop")).toContain("is_enabled");

      const batches = await recordedBatches(run.id);
      expect(batches.map((b) => b.batch)).toEqual(batches.map((_, i) => i + 1));
      for (const [i, b] of batches.entries())
        expect(b.remaining).toBeLessThan(batches[i - 1]?.remaining ?? ROWS);
      const killedAt = backfillBatches(beforeKill);
      const resumed = batches[killedAt];
      expect(resumed?.remaining).toBeLessThan(batches[killedAt - 1]?.remaining ?? 0);
      const lastChanged = Number(atGate.steps[BACKFILL_STEP]?.message?.match(/last batch: (\d+) rows/)?.[1]);
      const changed = batches.reduce((sum, b) => sum + b.changed, lastChanged);
      // A batch committed by the killed worker but never recorded is the only gap: no row is done twice.
      expect(changed).toBeLessThanOrEqual(ROWS);
      expect(changed).toBeGreaterThanOrEqual(ROWS - 5000);
      expect(atGate.steps[BACKFILL_STEP]).toMatchObject({ status: "succeeded", attempts: 1 });
      expect(atGate.steps[BACKFILL_STEP]?.message).toMatch(/^backfill done in \d+ batches, nothing remains/);
      const told = h.notifier.changes.filter(
        (c) => c.after.id === run.id && c.event?.type === "step-progress" && c.event.announce !== false,
      );
      expect(told.length).toBeGreaterThan(0);

      const approved = await h.engine.useCases.approve({ runId: run.id, user: APPROVER });
      expect(approved.ok).toBe(true);
      await h.waitFor(run.id, (r) => r.status === "succeeded", "succeeded");
      expect(h.columns("shop")).toEqual(["id", "is_active", "name"]);
    },
    SLOW_TEST_MS,
  );

  it(
    "a cancel stops the backfill between batches and nothing destructive runs",
    async () => {
      const db = database("cancelme");
      const run = await h.start("cancelme");
      const started = await h.waitFor(run.id, (r) => backfillBatches(r) >= 2, "two backfill batches");
      const cancelled = await h.engine.useCases.cancel({ runId: run.id, user: REQUESTER });
      expect(cancelled.ok).toBe(true);
      const done = await h.waitFor(run.id, (r) => r.status === "cancelled", "cancelled");
      const left = count(db, "is_active IS NULL");
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(count(db, "is_active IS NULL")).toBe(left);
      expect(left).toBeGreaterThan(0);
      expect(backfillBatches(done)).toBeGreaterThanOrEqual(backfillBatches(started));
      expect(done.steps[BACKFILL_STEP]?.status).toBe("cancelled");
      expect(h.columns("cancelme")).toContain("is_enabled");
    },
    SLOW_TEST_MS,
  );
});
