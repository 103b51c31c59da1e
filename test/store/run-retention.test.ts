import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyRunEvent } from "../../src/domain/run/reducer.js";
import type { Run, RunEvent } from "../../src/domain/run/run.js";
import type { RedisClient } from "../../src/net/redis/connect.js";
import { storeKeys } from "../../src/store/keys.js";
import { RedisRunStore } from "../../src/store/redis-run-store.js";
import { CREATED_AUDIT, shopRun } from "../../testkit/plans.js";
import { connectRedis, deleteKeys, uniquePrefix } from "../../testkit/redis.js";

const prefix = uniquePrefix("retention");
const keys = storeKeys(prefix);
const DAY_MS = 86_400_000;
let redis: RedisClient;

beforeAll(() => {
  redis = connectRedis();
});

afterAll(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

async function newRun(store: RedisRunStore, service: string): Promise<Run> {
  const result = await store.create(service, (id) => shopRun({ id, service }), CREATED_AUDIT);
  if (!result.ok) throw new Error(`${service} is held by ${result.activeRunId}`);
  return result.run;
}

/** Applies one event and saves it, as transition does. */
async function apply(store: RedisRunStore, run: Run, event: RunEvent): Promise<Run> {
  const result = applyRunEvent(run, event, new Date().toISOString());
  if (!result.ok) throw new Error(result.reason);
  expect(await store.save(result.run, run.revision, CREATED_AUDIT)).toEqual({ ok: true });
  return result.run;
}

const ttls = (run: Run) => Promise.all([redis.pttl(keys.run(run.id)), redis.pttl(keys.audit(run.id))]);

describe("retention of finished runs", () => {
  it("gives a finished run and its audit the retention, and an active run none", async () => {
    const store = new RedisRunStore(redis, prefix, { finishedRunMs: 30 * DAY_MS });
    const run = await newRun(store, "kept");
    expect(await ttls(run)).toEqual([-1, -1]);
    const started = await apply(store, run, { type: "step-started", step: 0 });
    expect(await ttls(started)).toEqual([-1, -1]);
    const between = await apply(store, started, { type: "step-succeeded", step: 0 });
    expect(await ttls(between)).toEqual([-1, -1]);

    await apply(store, between, { type: "cancelled", by: "U_ALICE" });
    for (const ttl of await ttls(run)) {
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30 * DAY_MS);
    }
    expect(await redis.zscore(keys.finishedRuns("kept"), run.id)).not.toBeNull();
    expect(await store.activeRunId("kept")).toBeNull();
  });

  it("takes the lifetime back when a failed run is retried, and gives it again when it ends", async () => {
    const store = new RedisRunStore(redis, prefix, { finishedRunMs: DAY_MS });
    const run = await newRun(store, "retried");
    const started = await apply(store, run, { type: "step-started", step: 0 });
    const failed = await apply(store, started, { type: "step-failed", step: 0, message: "lock timeout" });
    expect((await ttls(failed))[0]).toBeGreaterThan(0);

    const retried = await apply(store, failed, { type: "retried", by: "U_ALICE" });
    expect(await ttls(retried)).toEqual([-1, -1]);
    expect(await redis.zscore(keys.finishedRuns("retried"), run.id)).toBeNull();

    await apply(store, retried, { type: "cancelled", by: "U_ALICE" });
    expect((await ttls(run))[1]).toBeGreaterThan(0);
  });

  it("keeps a note added to a finished run's audit within the run's lifetime, and adds none to a run that is gone", async () => {
    const store = new RedisRunStore(redis, prefix, { finishedRunMs: DAY_MS });
    const run = await newRun(store, "noted");
    await apply(store, run, { type: "cancelled", by: "U_ALICE" });
    await store.appendAudit(run.id, { ...CREATED_AUDIT, action: "approval-granted", outcome: "refused" });
    const [runTtl, auditTtl] = await ttls(run);
    expect(auditTtl).toBeGreaterThan(0);
    expect(auditTtl).toBeLessThanOrEqual(runTtl);
    expect(await store.audit(run.id)).toHaveLength(3);

    await store.appendAudit("noted-gone-1", CREATED_AUDIT);
    expect(await redis.exists(keys.audit("noted-gone-1"))).toBe(0);
  });

  it("forgets a finished run past its retention: get, list and the indexes no longer name it", async () => {
    const store = new RedisRunStore(redis, prefix, { finishedRunMs: 300 });
    const first = await newRun(store, "short");
    await apply(store, first, { type: "cancelled", by: "U_ALICE" });
    const active = await newRun(store, "short");
    expect((await store.list({ service: "short" })).map((r) => r.id)).toEqual([active.id, first.id]);

    await waitUntil(async () => (await redis.exists(keys.run(first.id))) === 0);
    expect(await store.get(first.id)).toBeNull();
    expect(await store.audit(first.id)).toEqual([]);
    expect((await store.list({ service: "short" })).map((r) => r.id)).toEqual([active.id]);
    expect((await store.list({ limit: 1000 })).map((r) => r.id)).not.toContain(first.id);
    expect(await redis.zscore(keys.serviceRuns("short"), first.id)).toBeNull();
    expect(await redis.zscore(keys.allRuns(), first.id)).toBeNull();
    expect(await redis.zscore(keys.finishedRuns("short"), first.id)).toBeNull();
    // The active run is still there, without a lifetime.
    expect(await ttls(active)).toEqual([-1, -1]);
  });

  it("a channel's list of several services forgets the finished runs past their retention too", async () => {
    const store = new RedisRunStore(redis, prefix, { finishedRunMs: 300 });
    const first = await newRun(store, "short-a");
    await apply(store, first, { type: "cancelled", by: "U_ALICE" });
    const other = await newRun(store, "short-b");
    const ids = async () => (await store.list({ services: ["short-a", "short-b"] })).map((r) => r.id);
    expect((await ids()).sort()).toEqual([first.id, other.id].sort());

    await waitUntil(async () => (await redis.exists(keys.run(first.id))) === 0);
    expect(await ids()).toEqual([other.id]);
    expect(await redis.zscore(keys.serviceRuns("short-a"), first.id)).toBeNull();
    expect(await redis.zscore(keys.allRuns(), first.id)).toBeNull();
    expect(await redis.zscore(keys.finishedRuns("short-a"), first.id)).toBeNull();
  });

  it("takes expired ids out of the indexes when the service starts its next run, without a list", async () => {
    const store = new RedisRunStore(redis, prefix, { finishedRunMs: 200 });
    const old = await newRun(store, "pruned");
    await apply(store, old, { type: "cancelled", by: "U_ALICE" });
    await waitUntil(async () => (await redis.exists(keys.run(old.id))) === 0);
    expect(await redis.zscore(keys.allRuns(), old.id)).not.toBeNull();

    await newRun(store, "pruned");
    expect(await redis.zscore(keys.allRuns(), old.id)).toBeNull();
    expect(await redis.zscore(keys.serviceRuns("pruned"), old.id)).toBeNull();
    expect(await redis.zcard(keys.finishedRuns("pruned"))).toBe(0);
  });
});

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error("the run never expired");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
