import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../../src/domain/run/run.js";
import { STEP_QUEUE, stepJobId } from "../../../src/queue/jobs.js";
import { storeKeys } from "../../../src/store/keys.js";
import { createHarness, type Harness } from "../../../testkit/engine-harness.js";
import { shopWithProducts } from "../../../testkit/shop-table.js";
import { holdLock, readContinuously } from "./pg-sessions.js";

const LOCK_TIMEOUT_MS = 500;
/** Scheduling noise on a shared machine: a read may be late for other reasons than a lock. */
const MARGIN_MS = 1500;

/** Several Django processes per run, on a machine shared with other test files. */
const SLOW_TEST_MS = 120_000;

let h: Harness;
let queue: Queue;

function migrateInitial(service: string): string {
  const db = h.databases.get(service);
  if (!db) throw new Error(`no database for ${service}`);
  shopWithProducts(db, 100);
  return db.name;
}

function progressMessages(runId: string): string[] {
  return h.notifier.changes
    .filter((c) => c.after.id === runId && c.event?.type === "step-progress")
    .map((c) => (c.event && "message" in c.event ? String(c.event.message) : ""));
}

async function jobStateSeen(run: Run, wanted: string): Promise<boolean> {
  const id = stepJobId({ runId: run.id, step: 0, retries: 0 });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if ((await (await queue.getJob(id))?.getState()) === wanted) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

beforeAll(async () => {
  const guard = { lockTimeoutMs: LOCK_TIMEOUT_MS, retryDelayMs: 300, maxRetryDelayMs: 600 };
  h = await createHarness("lockguard", {
    // The lock guard alone, as when a session takes its lock after the live facts' check.
    waits: { config: { lockGuard: { ...guard, maxTries: 20 }, liveFacts: { enabled: false } } },
    givesup: { config: { lockGuard: { ...guard, maxTries: 3 }, liveFacts: { enabled: false } } },
  });
  queue = new Queue(STEP_QUEUE, { connection: h.redis, prefix: storeKeys(h.prefix).bull() });
  h.startWorkers(1);
});

afterAll(async () => {
  await queue.close();
  await h.close();
});

describe("migrate under the lock guard while another session holds a lock on the table", () => {
  it(
    "tries again with backoff, delayed off the worker, and succeeds once the lock is released; readers keep going",
    async () => {
      const database = migrateInitial("waits");
      const holder = await holdLock(database, "catalog_product", "ACCESS SHARE");
      const readers = readContinuously(database, "catalog_product");
      const run = await h.start("waits");
      await h.waitFor(run.id, (r) => (r.steps[0]?.polls ?? 0) >= 2, "two lock-timeout tries reported");
      expect(await jobStateSeen(run, "delayed")).toBe(true);
      await holder.release();
      const atGate = await h.waitFor(run.id, (r) => r.status === "awaiting-approval", "to the gate");
      const waits = await readers.stop();

      expect(atGate.steps[0]).toMatchObject({ status: "succeeded", attempts: 1 });
      expect(atGate.steps[0]?.polls).toBeGreaterThanOrEqual(2);
      const messages = progressMessages(run.id);
      expect(messages.length).toBe(atGate.steps[0]?.polls);
      messages.forEach((message, i) => {
        expect(message).toMatch(new RegExp(`^try ${i + 1} of 20: lock timeout \\(a statement waited 500 ms`));
      });
      expect(h.columns("waits")).toContain("is_active");

      // Readers queued behind the waiting ALTER TABLE, but only until its lock timeout.
      expect(waits.length).toBeGreaterThan(10);
      expect(Math.max(...waits)).toBeGreaterThan(LOCK_TIMEOUT_MS / 5);
      expect(Math.max(...waits)).toBeLessThan(LOCK_TIMEOUT_MS + MARGIN_MS);
    },
    SLOW_TEST_MS,
  );

  it(
    "fails the run after the last try, before anything destructive",
    async () => {
      const database = migrateInitial("givesup");
      const holder = await holdLock(database, "catalog_product", "ACCESS SHARE");
      try {
        const run = await h.start("givesup");
        const failed = await h.waitFor(run.id, (r) => r.status === "failed", "failed");
        expect(failed.outcome).toMatch(
          /^step 1 \(Apply 1 expand migration\) failed: migrate catalog 0002_product_is_active/,
        );
        expect(failed.outcome).toContain("gave up after 3 tries");
        expect(failed.steps.slice(1).map((s) => s.status)).toEqual([
          "skipped",
          "skipped",
          "skipped",
          "skipped",
        ]);
        expect(progressMessages(run.id)).toHaveLength(2);
        expect(h.columns("givesup")).toEqual(["id", "is_enabled", "name"]);
      } finally {
        await holder.release();
      }
      await h.expectLockReleased("givesup");
    },
    SLOW_TEST_MS,
  );
});
