import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../src/domain/run/run.js";
import { APPROVER, deployments, type KubeEngine, REQUESTER, startKubeEngine } from "./engine-setup.js";
import { loadRbac } from "./rbac-manifest.js";
import { image } from "./setup.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const services = ["shop", "shopjobfail", "shopstuck", "shopflaky", "shopdenied"];
const ROLLOUT = 2;

let k: KubeEngine;
beforeAll(async () => {
  k = await startKubeEngine(services);
  // Everything below runs under the Role the manifests ship.
  k.sim.faults.enforceRole((await loadRbac())[1].rules);
});
afterAll(() => k.close());

async function start(service: string): Promise<Run> {
  const started = await k.engine.useCases.startRun({ service, version: "v2", requester: REQUESTER });
  if (!started.ok || started.dryRun) throw new Error(`start refused: ${JSON.stringify(started)}`);
  return started.run;
}

const jobsOf = (service: string) => k.sim.jobs.names(service).map((name) => k.sim.jobs.get(service, name));
const commandOf = (job: ReturnType<typeof jobsOf>[number]) =>
  job.spec.template.spec.containers[0]?.command ?? [];
const imagesOf = (service: string) =>
  deployments.map((name) => k.sim.deployments.get(service, name).spec.template.spec.containers[0]?.image);
const requestsTo = (service: string) => k.sim.requests.filter((r) => r.namespace === service);
const ended = (r: Run) => ["succeeded", "failed", "cancelled", "rejected"].includes(r.status);

/**
 * Steps both Deployments' controllers one action after each rollout poll of the worker, and records what the run
 * said at each poll. When only terminating old pods are left, holds for two polls before letting them go.
 */
async function driveRollout(run: Run, service: string) {
  const messages: string[] = [];
  let paused: Run | undefined;
  let polls = 0;
  let pausedAt = -1;
  for (;;) {
    const current = await k.waitFor(
      run.id,
      (r) => r.currentStep > ROLLOUT || ended(r) || (r.steps[ROLLOUT]?.polls ?? 0) > polls,
      `rollout poll ${polls + 1}`,
    );
    if (current.currentStep > ROLLOUT || ended(current)) return { messages, paused, final: current };
    const step = current.steps[ROLLOUT];
    polls = step?.polls ?? 0;
    messages.push(step?.message ?? "");
    if (step?.message?.includes("terminating") && !paused) {
      if (pausedAt < 0) pausedAt = polls;
      if (polls < pausedAt + 2) continue;
      paused = current;
    }
    for (const name of deployments) k.sim.deployments.step(service, name);
  }
}

describe("a full run on the Kubernetes adapters (simulator, real Django and PostgreSQL)", () => {
  it("introspects in a Job, expands in a Job, patches the image, follows the rollout, waits for approval, contracts in a Job", async () => {
    const run = await start("shop");
    expect(run.plan.steps.map((s) => s.kind)).toEqual([
      "migrate",
      "deploy",
      "wait-rollout",
      "approval",
      "migrate",
    ]);
    const [introspection] = jobsOf("shop");
    expect(introspection?.spec.template.spec.containers[0]).toMatchObject({ image: image("v2") });
    expect(commandOf(introspection as never).slice(1, 2)).toEqual(["-c"]);
    expect(introspection?.spec.template.spec.serviceAccountName).toBe("shop-migrate");

    await k.waitFor(run.id, (r) => r.currentStep === ROLLOUT || ended(r), "to the rollout");
    const rollout = await driveRollout(run, "shop");
    const atGate = rollout.final;
    expect(atGate.status).toBe("awaiting-approval");

    const expand = atGate.steps[0]?.commands[0];
    expect(expand?.argv.slice(-4)).toEqual(["migrate", "catalog", "0002_product_is_active", "--no-input"]);
    expect(expand?.stdoutTail).toContain("Applying catalog.0002_product_is_active... OK");
    expect(atGate.steps[1]?.message).toBe(`patched web, worker to ${image("v2")}`);
    expect(imagesOf("shop")).toEqual([image("v2"), image("v2")]);

    expect(rollout.messages[0]).toBe(
      "Waiting for deployment spec update to be observed...; Waiting for deployment spec update to be observed...",
    );
    expect(rollout.messages).toContain(
      'Waiting for deployment "web" rollout to finish: 0 out of 2 new replicas have been updated...; ' +
        'Waiting for deployment "worker" rollout to finish: 0 out of 2 new replicas have been updated...',
    );
    expect(rollout.messages).toContain(
      'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...; ' +
        'Waiting for deployment "worker" rollout to finish: 1 out of 2 new replicas have been updated...',
    );
    // While old pods terminate (kubectl would already say "successfully rolled out"), nothing moves on.
    expect(rollout.paused?.status).toBe("waiting-rollout");
    expect(rollout.paused?.steps[ROLLOUT]?.message).toMatch(
      /^deployment "web": 1 running pod\(s\) not on \S+:v2 yet \(web-\S+ runs \S+:v1, terminating\); deployment "worker": /,
    );
    expect(atGate.steps[ROLLOUT]?.message).toBe(`web, worker rolled out: every pod runs ${image("v2")}`);
    expect(k.columns("shop")).toEqual(expect.arrayContaining(["is_active", "is_enabled"]));
    // Introspection, expand, and the gate's live facts (read through the service's executor: a Job too).
    expect(jobsOf("shop")).toHaveLength(3);

    expect(await k.engine.useCases.approve({ runId: run.id, user: APPROVER })).toMatchObject({ ok: true });
    const done = await k.waitFor(run.id, ended, "to the end");
    expect(done.status).toBe("succeeded");
    expect(done.steps[4]?.commands[0]?.stdoutTail).toContain(
      "Applying catalog.0003_remove_product_is_enabled... OK",
    );
    expect(k.columns("shop")).toContain("is_active");
    expect(k.columns("shop")).not.toContain("is_enabled");
    const jobs = jobsOf("shop");
    expect(jobs.map((j) => j.spec.template.spec.containers[0]?.image)).toEqual(Array(4).fill(image("v2")));
    // The Jobs run in the release's image, where phasegate's files are absent: helper and lock guard go inline.
    expect(jobs.map((j) => commandOf(j)[1])).toEqual(["-c", "-c", "-c", "-c"]);
    expect(jobs.flatMap(commandOf).filter((arg) => arg.startsWith(repoRoot))).toEqual([]);
    expect(jobs.map((j) => j.status.conditions?.some((c) => c.type === "Complete"))).toEqual(
      Array(4).fill(true),
    );
    // The only error answers: each Job looked up (not found) before it was created.
    const errors = requestsTo("shop").filter((r) => r.status >= 400);
    expect(errors.map((r) => `${r.verb} ${r.resource} ${r.status}`)).toEqual(Array(4).fill("get jobs 404"));
  }, 120_000); // about ten rollout polls a second apart, plus four Jobs of Django

  it("a failed migration Job fails the run with the Job's log on the step; nothing is deployed", async () => {
    // The column exists already, so the expand phase's AddField fails in the database.
    k.databases.get("shopjobfail")?.query("ALTER TABLE catalog_product ADD COLUMN is_active boolean");
    const run = await start("shopjobfail");
    const failed = await k.waitFor(run.id, ended, "to the end");

    expect(failed.status).toBe("failed");
    expect(failed.steps[0]?.status).toBe("failed");
    expect(failed.steps[0]?.message).toBe(
      'migrate catalog 0002_product_is_active exited with 1: django.db.utils.ProgrammingError: column "is_active" of relation "catalog_product" already exists',
    );
    const log = failed.steps[0]?.commands[0]?.stdoutTail ?? "";
    expect(log).toContain("django/db/migrations/executor.py");
    expect(log.trimEnd().split("\n").at(-1)).toBe(
      'django.db.utils.ProgrammingError: column "is_active" of relation "catalog_product" already exists',
    );
    expect(imagesOf("shopjobfail")).toEqual([image("v1"), image("v1")]);
    expect(requestsTo("shopjobfail").filter((r) => r.method === "PATCH")).toEqual([]);
  });

  it("a Deployment past its progress deadline fails the run before the contract phase", async () => {
    const run = await start("shopstuck");
    await k.waitFor(run.id, (r) => (r.steps[ROLLOUT]?.polls ?? 0) > 0 || ended(r), "a rollout poll");
    for (const name of deployments) k.sim.deployments.step("shopstuck", name);
    k.sim.deployments.exceedProgressDeadline("shopstuck", "worker");
    const failed = await k.waitFor(run.id, ended, "to the end");

    expect(failed.status).toBe("failed");
    expect(failed.steps[ROLLOUT]?.message).toBe(
      'rollout failed: deployment "worker" exceeded its progress deadline',
    );
    expect(failed.steps.slice(3).map((s) => s.status)).toEqual(["skipped", "skipped"]);
    expect(k.columns("shopstuck")).toEqual(expect.arrayContaining(["is_active", "is_enabled"]));
    expect(jobsOf("shopstuck")).toHaveLength(2);
  });

  it("API 500s are retried and the run carries on, with one Job per step", async () => {
    const service = "shopflaky";
    const { faults } = k.sim;
    faults.failNext(2, { namespace: service, verb: "create", resource: "jobs" }, 500);
    faults.failNext(2, { namespace: service, verb: "patch", resource: "deployments" }, 503);
    faults.failNext(2, { namespace: service, verb: "get", resource: "pods/log" }, 500);
    const run = await start(service);
    await k.waitFor(run.id, (r) => r.currentStep === ROLLOUT || ended(r), "to the rollout");
    faults.failNext(2, { namespace: service, verb: "get", resource: "deployments" }, 502);
    for (const name of deployments) k.sim.deployments.rollOut(service, name);
    const atGate = await k.waitFor(
      run.id,
      (r) => (r.status !== "waiting-rollout" && r.currentStep > ROLLOUT) || ended(r),
      "to the gate",
    );
    expect(atGate.status).toBe("awaiting-approval");
    await k.engine.useCases.approve({ runId: run.id, user: APPROVER });
    const done = await k.waitFor(run.id, ended, "to the end");

    expect(done.status).toBe("succeeded");
    expect(k.columns(service)).not.toContain("is_enabled");
    // Introspection, expand, the gate's live facts, contract.
    expect(jobsOf(service)).toHaveLength(4);
    const errors = requestsTo(service).filter((r) => r.status >= 500);
    expect(errors.map((r) => `${r.verb} ${r.resource} ${r.status}`).sort()).toEqual([
      "create jobs 500",
      "create jobs 500",
      "get deployments 502",
      "get deployments 502",
      "get pods/log 500",
      "get pods/log 500",
      "patch deployments 503",
      "patch deployments 503",
    ]);
  });

  it("a 403 fails the run with the RBAC rule to add, after the expand phase and before any destructive step", async () => {
    const service = "shopdenied";
    k.sim.faults.forbid({ namespace: service, verb: "patch", resource: "deployments" });
    const run = await start(service);
    const failed = await k.waitFor(run.id, ended, "to the end");

    expect(failed.status).toBe("failed");
    expect(failed.steps[1]?.message).toBe(
      `deploy of v2 failed: the Kubernetes API forbids phasegate to patch deployments "web" in namespace "${service}" (403): ` +
        'add the rule {apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"]} to the Role bound to ' +
        `phasegate's service account in namespace "${service}" (see manifests/kubernetes/app-namespace/rbac.yaml); the API said: ` +
        `deployments.apps "web" is forbidden: User "system:serviceaccount:shop:phasegate" cannot patch resource "deployments" in API group "apps" in the namespace "${service}"`,
    );
    expect(k.columns(service)).toEqual(expect.arrayContaining(["is_active", "is_enabled"]));
    expect(imagesOf(service)).toEqual([image("v1"), image("v1")]);
  });
});
