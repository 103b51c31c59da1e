import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transition } from "../../src/app/transition.js";
import { applyRunEvent } from "../../src/domain/run/reducer.js";
import { type Run, SYSTEM_ACTOR } from "../../src/domain/run/run.js";
import type { RedisClient } from "../../src/net/redis/connect.js";
import { RedisRunStore } from "../../src/store/redis-run-store.js";
import { logger } from "../../src/telemetry/pino-logger.js";
import { CREATED_AUDIT, shopRun } from "../../testkit/plans.js";
import { RecordingNotifier } from "../../testkit/recording-notifier.js";
import { connectRedis, deleteKeys, uniquePrefix } from "../../testkit/redis.js";

const prefix = uniquePrefix("store");
let redis: RedisClient;
let store: RedisRunStore;
const notifier = new RecordingNotifier();
const deps = () => ({ store, notifier, logger, now: () => new Date("2026-01-01T02:00:00Z") });

const created = CREATED_AUDIT;

async function newRun(service: string, overrides: Partial<Run> = {}): Promise<Run> {
  const result = await store.create(service, (id) => shopRun({ id, service, ...overrides }), created);
  if (!result.ok) throw new Error(`${service} is held by ${result.activeRunId}`);
  return result.run;
}

/** Lets the service's active run end, so the next one can be created. */
async function release(run: Run): Promise<void> {
  const cancelled = applyRunEvent(run, { type: "cancelled", by: "U_ALICE" }, "2026-01-01T00:05:00.000Z");
  if (!cancelled.ok) throw new Error(cancelled.reason);
  expect(await store.save(cancelled.run, run.revision, created)).toEqual({ ok: true });
}

/** Drives a stored run to the approval gate through the real transition path. */
async function toGate(run: Run): Promise<void> {
  for (const step of [0, 1, 2]) {
    expect((await transition(deps(), run.id, { type: "step-started", step }, SYSTEM_ACTOR)).ok).toBe(true);
    expect((await transition(deps(), run.id, { type: "step-succeeded", step }, SYSTEM_ACTOR)).ok).toBe(true);
  }
}

beforeAll(() => {
  redis = connectRedis();
  store = new RedisRunStore(redis, prefix);
});

afterAll(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

describe("RedisRunStore", () => {
  it("keeps writing when Redis has forgotten its scripts (a restart, a failover, SCRIPT FLUSH): each write once", async () => {
    const run = await newRun("flushed");
    await redis.script("FLUSH");
    expect((await transition(deps(), run.id, { type: "step-started", step: 0 }, SYSTEM_ACTOR)).ok).toBe(true);
    const saved = await store.get(run.id);
    expect(saved?.revision).toBe(run.revision + 1);
    expect(saved?.steps[0]?.status).toBe("running");
    expect((await store.audit(run.id))?.map((entry) => entry.action)).toEqual(["created", "step-started"]);
  });

  it("numbers runs per service under a generation taken from the clock when the numbering starts", async () => {
    const clocked = new RedisRunStore(redis, prefix, { now: () => new Date(1_764_408_450_999) });
    const make = (service: string) =>
      clocked
        .create(service, (id) => shopRun({ id, service }), created)
        .then((r) => {
          if (!r.ok) throw new Error(r.activeRunId);
          return r.run;
        });
    const first = await make("numbers");
    expect(first.id).toBe("numbers-mik38hx3-1");
    await release(first);
    expect((await make("numbers")).id).toBe("numbers-mik38hx3-2");
    expect((await make("other")).id).toBe("other-mik38hx3-1");
  });

  it("takes no id when the service is held, and starts a new generation when the counter is lost", async () => {
    const clocked = (ms: number) => new RedisRunStore(redis, prefix, { now: () => new Date(ms) });
    const build = (id: string) => shopRun({ id, service: "lost" });
    const first = await clocked(2_000_000).create("lost", build, created);
    expect(first).toMatchObject({ ok: true, run: { id: "lost-16v7k-1" } });
    expect(await clocked(2_000_000).create("lost", build, created)).toEqual({
      ok: false,
      activeRunId: "lost-16v7k-1",
    });
    // As after a Redis that restarted empty, within the same second: every key of the service is gone.
    await redis.del(`${prefix}ids:lost`, `${prefix}lock:lost`);
    expect(await clocked(2_000_400).create("lost", build, created)).toMatchObject({
      ok: true,
      run: { id: "lost-16vio-1" },
    });
  });

  it("of twenty concurrent creates of one service, one gets the id and the lock; the others use up none", async () => {
    const clocked = new RedisRunStore(redis, prefix, { now: () => new Date(3_000_000) });
    const build = (id: string) => shopRun({ id, service: "many" });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => clocked.create("many", build, created)),
    );
    const winners = results.flatMap((r) => (r.ok ? [r.run] : []));
    expect(winners.map((r) => r.id)).toEqual(["many-1satc-1"]);
    expect(results.filter((r) => !r.ok)).toEqual(Array(19).fill({ ok: false, activeRunId: "many-1satc-1" }));
    await release(winners[0] as Run);
    expect(await clocked.create("many", build, created)).toMatchObject({
      ok: true,
      run: { id: "many-1satc-2" },
    });
  });

  it("stores a run and reads it back as it was", async () => {
    const run = await newRun("readback");
    expect(await store.get(run.id)).toEqual(run);
    expect(await store.get("readback-999")).toBeNull();
  });

  it("refuses a second active run of a service, naming the active one", async () => {
    const first = await newRun("locked");
    const second = await store.create("locked", (id) => shopRun({ id, service: "locked" }), created);
    expect(second).toEqual({ ok: false, activeRunId: first.id });
    expect(await store.activeRunId("locked")).toBe(first.id);
  });

  it("refuses a save made from an old revision", async () => {
    const run = await newRun("cas");
    const next = applyRunEvent(run, { type: "step-started", step: 0 }, "2026-01-01T00:01:00.000Z");
    if (!next.ok) throw new Error(next.reason);
    expect(await store.save(next.run, 1, created)).toEqual({ ok: true });
    expect(await store.save(next.run, 1, created)).toEqual({ ok: false, conflict: "revision" });
    expect((await store.get(run.id))?.revision).toBe(2);
  });

  it("releases the lock with the transition into a terminal state, and a retry takes it back", async () => {
    const run = await newRun("release");
    await transition(deps(), run.id, { type: "step-started", step: 0 }, SYSTEM_ACTOR);
    await transition(deps(), run.id, { type: "step-failed", step: 0, message: "exit 1" }, SYSTEM_ACTOR);
    expect(await store.activeRunId("release")).toBeNull();

    const other = await newRun("release");
    const refused = await transition(deps(), run.id, { type: "retried", by: "U_ALICE" }, SYSTEM_ACTOR);
    expect(refused).toMatchObject({ ok: false, code: "active-run", activeRunId: other.id });
    expect((await store.get(run.id))?.status).toBe("failed");

    await transition(deps(), other.id, { type: "cancelled", by: "U_BOB" }, SYSTEM_ACTOR);
    const retried = await transition(deps(), run.id, { type: "retried", by: "U_ALICE" }, SYSTEM_ACTOR);
    expect(retried.ok).toBe(true);
    expect(await store.activeRunId("release")).toBe(run.id);
  });

  it("refuses the report of an attempt that no longer owns its step, even one made from the latest revision", async () => {
    const run = await newRun("fenced");
    const started = await transition(deps(), run.id, { type: "step-started", step: 0 }, SYSTEM_ACTOR);
    if (!started.ok) throw new Error(started.message);
    const takenOver = await transition(
      deps(),
      run.id,
      { type: "step-taken-over", step: 0, message: "the worker restarted during the migrate" },
      SYSTEM_ACTOR,
    );
    if (!takenOver.ok) throw new Error(takenOver.message);

    // Attempt 1 read the run after the take-over (its revision is current), yet the store refuses its claim.
    const latest = takenOver.run;
    const next = applyRunEvent(
      latest,
      { type: "step-succeeded", step: 0, execution: 2 },
      "2026-01-01T02:00:00Z",
    );
    if (!next.ok) throw new Error(next.reason);
    expect(await store.save(next.run, latest.revision, created, { of: "step", owner: "0.1" })).toEqual({
      ok: false,
      conflict: "stale",
      owner: "0.2",
    });

    // Through the transition (the worker's path): refused, audited, the step still running attempt 2.
    const stale = await transition(
      deps(),
      run.id,
      { type: "step-succeeded", step: 0, message: "done", execution: 1 },
      SYSTEM_ACTOR,
      started.run,
    );
    expect(stale).toMatchObject({ ok: false, code: "refused" });
    expect(stale.ok ? "" : stale.message).toContain(
      "attempt 1 of step 1 no longer owns it (attempt 2 took it over)",
    );
    const stored = await store.get(run.id);
    expect(stored?.steps[0]).toMatchObject({ status: "running", executions: 2 });
    const audit = await store.audit(run.id);
    expect(audit.at(-1)).toMatchObject({ action: "step-succeeded", outcome: "refused" });

    // The owner's report counts.
    const owned = await transition(
      deps(),
      run.id,
      { type: "step-succeeded", step: 0, message: "done", execution: 2 },
      SYSTEM_ACTOR,
    );
    expect(owned.ok).toBe(true);
    expect((await store.get(run.id))?.steps[0]?.status).toBe("succeeded");
  });

  it("lets exactly one of 100 concurrent approvals through", async () => {
    const run = await newRun("race");
    await toGate(run);
    const approvers = Array.from({ length: 100 }, (_, i) => `U_APPROVER_${i}`);
    const results = await Promise.all(
      approvers.map((by) =>
        transition(
          deps(),
          run.id,
          { type: "approval-granted", gate: "contract", by },
          { kind: "user", id: by },
        ),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const stored = await store.get(run.id);
    expect(stored?.gates).toHaveLength(1);
    expect(stored?.status).toBe("running");
    const audit = await store.audit(run.id);
    expect(audit.filter((a) => a.action === "approval-granted" && a.outcome === "applied")).toHaveLength(1);
    expect(audit.filter((a) => a.action === "approval-granted" && a.outcome === "refused")).toHaveLength(99);
    expect(notifier.eventsOf(run.id).filter((e) => e === "approval-granted")).toHaveLength(1);
  });

  it("keeps an audit trail of every transition with who and from → to", async () => {
    const run = await newRun("audit");
    await toGate(run);
    await transition(
      deps(),
      run.id,
      { type: "approval-granted", gate: "contract", by: "U_ALICE" },
      { kind: "user", id: "U_ALICE" },
    );
    const audit = await store.audit(run.id);
    expect(audit.map((a) => [a.action, a.from, a.to, a.outcome])).toEqual([
      ["created", null, "running", "applied"],
      ["step-started", "running", "running", "applied"],
      ["step-succeeded", "running", "running", "applied"],
      ["step-started", "running", "running", "applied"],
      ["step-succeeded", "running", "running", "applied"],
      ["step-started", "running", "waiting-rollout", "applied"],
      ["step-succeeded", "waiting-rollout", "awaiting-approval", "applied"],
      ["approval-granted", "awaiting-approval", null, "refused"],
    ]);
    expect(audit.at(-1)?.actor).toEqual({ kind: "user", id: "U_ALICE" });
    expect(audit.at(-1)?.detail).toMatch(/four-eyes/);
  });

  it("lists runs newest first, per service and across services", async () => {
    const a = await newRun("list-a", { createdAt: "2026-01-01T00:00:01.000Z" });
    await transition(deps(), a.id, { type: "cancelled", by: "U_BOB" }, SYSTEM_ACTOR);
    const b = await newRun("list-a", { createdAt: "2026-01-01T00:00:02.000Z" });
    const c = await newRun("list-b", { createdAt: "2026-01-01T00:00:03.000Z" });
    expect((await store.list({ service: "list-a" })).map((r) => r.id)).toEqual([b.id, a.id]);
    const all = (await store.list({ limit: 100 })).map((r) => r.id);
    expect(all.indexOf(c.id)).toBeLessThan(all.indexOf(b.id));
    expect(all.indexOf(b.id)).toBeLessThan(all.indexOf(a.id));
    expect(await store.list({ service: "list-a", limit: 1 })).toHaveLength(1);
  });

  it("lists the newest runs of several services together, skipping runs whose record is gone", async () => {
    const at = (second: number) => `2026-01-02T00:00:0${second}.000Z`;
    const x1 = await newRun("many-x", { createdAt: at(1) });
    await release(x1);
    const x4 = await newRun("many-x", { createdAt: at(4) });
    const y2 = await newRun("many-y", { createdAt: at(2) });
    await release(y2);
    const y5 = await newRun("many-y", { createdAt: at(5) });
    const z3 = await newRun("many-z", { createdAt: at(3) });
    const ids = async (services: string[], limit?: number) =>
      (await store.list({ services, limit })).map((r) => r.id);
    expect(await ids(["many-x", "many-y", "many-z"])).toEqual([y5.id, x4.id, z3.id, y2.id, x1.id]);
    expect(await ids(["many-x", "many-y"], 3)).toEqual([y5.id, x4.id, y2.id]);
    expect(await ids(["many-none"])).toEqual([]);
    expect(await ids([])).toEqual([]);
    // A run whose record was lost leaves the list, and its index: the next newest takes its place.
    await redis.del(`${prefix}run:${x4.id}`);
    expect(await ids(["many-x", "many-y", "many-z"], 3)).toEqual([y5.id, z3.id, y2.id]);
    expect(await redis.zscore(`${prefix}runs:many-x`, x4.id)).toBeNull();
  });

  it("reports a stored run that is not readable instead of using it", async () => {
    await redis.hset(`${prefix}run:broken-1`, "json", '{"id":"broken-1"}', "revision", "1");
    await expect(store.get("broken-1")).rejects.toThrow(/stored run broken-1 is not readable/);
  });
});
