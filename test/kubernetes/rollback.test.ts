import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../src/domain/run/run.js";
import { APPROVER, deployments, type KubeEngine, REQUESTER, startKubeEngine } from "./engine-setup.js";
import { image } from "./setup.js";

const SERVICE = "shoprb";
/** The worker Deployment runs an image set by hand before the run, not one the template makes. */
const HOTFIX = "registry.example.com/shop-worker:hotfix-7";

let k: KubeEngine;
beforeAll(async () => {
  k = await startKubeEngine([SERVICE]);
  k.sim.deployments.setImage(SERVICE, "worker", "app", HOTFIX);
  k.sim.deployments.rollOut(SERVICE, "worker");
});
afterAll(() => k.close());

const imagesOf = () =>
  deployments.map((name) => k.sim.deployments.get(SERVICE, name).spec.template.spec.containers[0]?.image);
const podImagesOf = (name: string) =>
  k.sim.deployments
    .pods(SERVICE, name)
    .map((pod) => pod.spec.containers.find((c) => c.name === "app")?.image);
const patches = () => k.sim.requests.filter((r) => r.namespace === SERVICE && r.method === "PATCH");

describe("rolling back a deploy on Kubernetes (simulator)", () => {
  it("records each Deployment's image before the run and sets exactly those back, then awaits their rollout", {
    timeout: 120_000,
  }, async () => {
    const started = await k.engine.useCases.startRun({
      service: SERVICE,
      version: "v2",
      requester: REQUESTER,
    });
    if (!started.ok || started.dryRun) throw new Error(`start refused: ${JSON.stringify(started)}`);
    const run: Run = started.run;
    expect(run.previousRelease).toEqual({
      version: "v1",
      images: { web: image("v1"), worker: HOTFIX },
      source: "deployments",
    });

    // The new release is patched in, then the worker's rollout passes its progress deadline: the run fails.
    await k.waitFor(run.id, (r) => (r.steps[2]?.polls ?? 0) > 0 || r.status === "failed", "a rollout poll");
    expect(imagesOf()).toEqual([image("v2"), image("v2")]);
    for (const name of deployments) k.sim.deployments.step(SERVICE, name);
    k.sim.deployments.exceedProgressDeadline(SERVICE, "worker");
    const failed = await k.waitFor(run.id, (r) => r.status === "failed", "failed");
    expect(failed.outcome).toContain('deployment "worker" exceeded its progress deadline');
    expect(patches()).toHaveLength(2);

    // Not an approver: refused, audited; the approver's rollback is carried out by the worker.
    expect(await k.engine.useCases.rollback({ runId: run.id, user: REQUESTER })).toMatchObject({
      ok: false,
      code: "not-allowed",
    });
    expect(await k.engine.useCases.rollback({ runId: run.id, user: APPROVER })).toMatchObject({ ok: true });
    await k.waitFor(
      run.id,
      (r) => r.rollback?.phase === "waiting-rollout" || r.rollback?.status !== "running",
      "the rollback deployed",
    );
    const trail = await k.engine.store.audit(run.id);
    expect(trail.find((e) => e.action === "rollback-deployed")?.detail).toBe(
      `patched web to ${image("v1")}; patched worker to ${HOTFIX}`,
    );
    expect(imagesOf()).toEqual([image("v1"), HOTFIX]);
    expect(patches()).toHaveLength(4);

    // Its rollout is awaited the way kubectl decides, pods included: not done until the controllers have acted.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const waiting = await k.engine.store.get(run.id);
    expect(waiting?.rollback).toMatchObject({ status: "running", phase: "waiting-rollout" });
    expect(waiting?.rollback?.message).toContain("Waiting for deployment");
    let done: Run | null = null;
    while (!done) {
      for (const name of deployments) k.sim.deployments.step(SERVICE, name);
      const current = await k.engine.store.get(run.id);
      if (current?.rollback?.status !== "running") done = current;
      else await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(done.rollback).toMatchObject({ status: "succeeded", toVersion: "v1", by: APPROVER });
    expect(done.rollback?.message).toBe(`web, worker rolled out: every pod runs ${image("v1")}, ${HOTFIX}`);
    expect(new Set(podImagesOf("web"))).toEqual(new Set([image("v1")]));
    expect(new Set(podImagesOf("worker"))).toEqual(new Set([HOTFIX]));
    expect(await k.engine.store.activeRunId(SERVICE)).toBeNull();
    // The expand migration stays: the old code works with it.
    expect(k.columns(SERVICE)).toEqual(expect.arrayContaining(["is_active", "is_enabled"]));
  });
});
