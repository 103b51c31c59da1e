import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeSim, startKubeSim } from "../../testkit/kube-sim/index.js";
import { type SlackHarness, startSlackHarness } from "../../testkit/slack-setup.js";
import { image } from "../kubernetes/setup.js";
import {
  approveFromSlack,
  cardOf,
  kubernetesKeys,
  reachGate,
  rollBackFromCard,
  runControllers,
  startFromSlack,
  text,
} from "../kubernetes/workloads-slack.js";

/** No helm can be had here: testkit's stand-in (release history in a directory, applied to the simulator). */
const standInBin = path.resolve(import.meta.dirname, "../../testkit/helm/bin");
const chart = path.resolve(import.meta.dirname, "../fixtures/helm/shop");
const SERVICES = ["helmok", "helmbad"];

let sim: KubeSim;
let h: SlackHarness;
let stateDir: string;
let stopControllers: () => void;
const originalPath = process.env.PATH;
/** helmbad's Deployment is stepped only once its failure is set up. */
const stepping = new Set(["helmok"]);

let env: Record<string, string>;
/** Runs the stand-in without blocking: the simulator it patches answers from this very process. */
const helm = async (...args: string[]) =>
  (await promisify(execFile)("helm", args, { env: { ...process.env, ...env }, encoding: "utf8" })).stdout;
const helmHistory = async (namespace: string) =>
  (JSON.parse(await helm("history", "shop", "-n", namespace, "-o", "json")) as { description: string }[]).map(
    (r) => r.description,
  );

beforeAll(async () => {
  process.env.PATH = `${standInBin}${path.delimiter}${originalPath}`;
  sim = await startKubeSim();
  stateDir = await mkdtemp(path.join(os.tmpdir(), "helm-standin-"));
  env = {
    HELM_STANDIN_DIR: stateDir,
    HELM_STANDIN_KUBE_URL: sim.url,
    HELM_STANDIN_KUBE_TOKEN_FILE: sim.tokenFile,
  };
  for (const ns of SERVICES) {
    sim.deployments.add({ namespace: ns, name: "web", image: image("v0") });
    await helm("install", "shop", chart, "-n", ns, "--set", "image.tag=v1");
    sim.deployments.rollOut(ns, "web");
  }
  stopControllers = runControllers(
    SERVICES.map((ns) => () => stepping.has(ns) && sim.deployments.step(ns, "web")),
  );
  const keys = (ns: string, release = "shop") => {
    const { rollout } = kubernetesKeys(sim, ns, { deployments: ["web"] });
    return {
      deployer: { kind: "helm", release, chart, namespace: ns, imageValue: "image.tag", env },
      rollout,
    };
  };
  h = await startSlackHarness("helmrun", {
    withWorker: true,
    extraServices: {
      ...Object.fromEntries(SERVICES.map((ns) => [ns, { keys: keys(ns) }])),
      // A release helm does not know (a typo in the services file).
      helmnone: { keys: keys("helmok", "nope") },
    },
  });
}, 60_000);

afterAll(async () => {
  process.env.PATH = originalPath;
  stopControllers?.();
  await h?.close();
  await sim?.close();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

const imageOf = (ns: string) => sim.deployments.get(ns, "web").spec.template.spec.containers[0]?.image;

describe("a full run with the helm deployer (testkit's helm stand-in, simulator) driven from Slack", () => {
  it("records the live revision, upgrades with --reuse-values --set, waits for the Deployment, gates, contracts", {
    timeout: 120_000,
  }, async () => {
    const run = await startFromSlack(h, "helmok", "v2");
    expect(run.previousRelease).toEqual({ version: "v1", revision: 1, source: "deployments" });
    const atGate = await reachGate(h, run);
    const deploy = atGate.steps[1];
    expect(deploy?.message).toBe("helm upgrade shop with image.tag=v2: TEST SUITE: None");
    expect(deploy?.commands[0]?.argv).toEqual([
      "helm",
      "upgrade",
      "shop",
      chart,
      "--namespace",
      "helmok",
      "--reuse-values",
      "--set",
      "image.tag=v2",
    ]);
    expect(deploy?.commands[0]?.stdoutTail).toContain('Release "shop" has been upgraded. Happy Helming!');
    expect(deploy?.commands[0]?.stdoutTail).toContain("REVISION: 2");
    expect(atGate.steps[2]?.message).toBe(`web rolled out: every pod runs ${image("v2")}`);
    expect(imageOf("helmok")).toBe(image("v2"));
    expect(await helmHistory("helmok")).toEqual(["Install complete", "Upgrade complete"]);
    const done = await approveFromSlack(h, atGate);
    expect(done.status).toBe("succeeded");
  });

  it("a Deployment past its progress deadline fails the run before the contract; the card's rollback runs helm rollback to the recorded revision", {
    timeout: 120_000,
  }, async () => {
    const run = await startFromSlack(h, "helmbad", "v2");
    await h.waitForRun(run.id, (r) => (r.steps[2]?.polls ?? 0) > 0 || r.status === "failed");
    expect(imageOf("helmbad")).toBe(image("v2"));
    sim.deployments.step("helmbad", "web");
    sim.deployments.exceedProgressDeadline("helmbad", "web");
    const failed = await h.waitForRun(run.id, (r) => r.status === "failed");
    expect(failed.steps[2]?.message).toBe('rollout failed: deployment "web" exceeded its progress deadline');
    expect(failed.steps.slice(3).map((s) => s.status)).toEqual(["skipped", "skipped"]);
    const card = await cardOf(h, failed);
    expect(text(card)).toContain("The deploy can be rolled back to *v1*");

    stepping.add("helmbad");
    const rolledBack = await rollBackFromCard(h, failed, card);
    expect(rolledBack.rollback).toMatchObject({ status: "succeeded", toVersion: "v1" });
    const trail = (await h.bot.engine.useCases.audit(run.id)) ?? [];
    expect(trail.find((e) => e.action === "rollback-deployed")?.detail).toBe(
      "helm rollback shop to revision 1: Rollback was a success! Happy Helming!",
    );
    expect(await helmHistory("helmbad")).toEqual(["Install complete", "Upgrade complete", "Rollback to 1"]);
    expect(imageOf("helmbad")).toBe(image("v1"));
  });

  it("an unknown release fails the deploy with helm's words naming it; nothing is deployed, no rollback offered", {
    timeout: 60_000,
  }, async () => {
    const before = imageOf("helmok");
    const run = await startFromSlack(h, "helmnone", "v2");
    expect(run.previousRelease).toBeNull();
    const failed = await h.waitForRun(run.id, (r) => r.status === "failed");
    expect(failed.steps[1]?.message).toBe(
      'deploy of v2 failed: helm upgrade exited with 1: Error: UPGRADE FAILED: "nope" has no deployed releases',
    );
    expect(failed.steps.slice(2).map((s) => s.status)).toEqual(["skipped", "skipped", "skipped"]);
    expect(imageOf("helmok")).toBe(before);
    expect(text(await cardOf(h, failed))).not.toContain("The deploy can be rolled back");
  });
});
