import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeSim, startKubeSim } from "../../testkit/kube-sim/index.js";
import { strategicMerge } from "../../testkit/kube-sim/strategic-merge.js";
import { type SlackHarness, startSlackHarness } from "../../testkit/slack-setup.js";
import { image } from "./setup.js";
import {
  approveFromSlack,
  cardOf,
  kubernetesKeys,
  reachGate,
  rollBackFromCard,
  runControllers,
  startFromSlack,
  text,
} from "./workloads-slack.js";

let sim: KubeSim;
let h: SlackHarness;
let stopControllers: () => void;

const SERVICES = ["dsok", "dsbad"];

beforeAll(async () => {
  sim = await startKubeSim();
  for (const ns of SERVICES)
    sim.daemonSets.add({ namespace: ns, name: "agent", image: image("v1"), nodes: 3, maxUnavailable: 1 });
  sim.daemonSets.breakImage(image("v2-broken"));
  stopControllers = runControllers(SERVICES.map((ns) => () => sim.daemonSets.step(ns, "agent")));
  h = await startSlackHarness("k8sdaemons", {
    withWorker: true,
    extraServices: {
      dsok: { keys: kubernetesKeys(sim, "dsok", { daemonSets: ["agent"] }) },
      dsbad: { keys: kubernetesKeys(sim, "dsbad", { daemonSets: ["agent"] }, { deadlineSeconds: 4 }) },
    },
  });
}, 60_000);

afterAll(async () => {
  stopControllers?.();
  await h?.close();
  await sim?.close();
});

/** What `kubectl set image daemonset/agent app=…:v2` sends. */
const toV2 = { spec: { template: { spec: { containers: [{ name: "app", image: image("v2") }] } } } };

const podImages = (pods: { spec: { containers: { image: string }[] } }[]) =>
  pods.map((p) => p.spec.containers[0]?.image).sort();

describe("the DaemonSet controller of the simulator", () => {
  it("replaces at most maxUnavailable nodes' pods at a time; OnDelete replaces a pod only once it is deleted", async () => {
    const local = await startKubeSim();
    try {
      for (const maxUnavailable of [1, 2]) {
        const ns = `mu${maxUnavailable}`;
        local.daemonSets.add({ namespace: ns, name: "agent", image: image("v1"), nodes: 4, maxUnavailable });
        local.daemonSets.patch(ns, "agent", toV2, strategicMerge);
        let most = 0;
        while (local.daemonSets.step(ns, "agent"))
          most = Math.max(most, local.daemonSets.unavailableNodes(ns, "agent"));
        expect(most).toBe(maxUnavailable);
        expect(podImages(local.daemonSets.pods(ns, "agent"))).toEqual(Array(4).fill(image("v2")));
        expect(local.daemonSets.get(ns, "agent").status).toMatchObject({
          updatedNumberScheduled: 4,
          numberAvailable: 4,
        });
      }

      local.daemonSets.add({ namespace: "od", name: "agent", image: image("v1"), nodes: 2, onDelete: true });
      local.daemonSets.patch("od", "agent", toV2, strategicMerge);
      local.daemonSets.rollOut("od", "agent");
      expect(podImages(local.daemonSets.pods("od", "agent"))).toEqual([image("v1"), image("v1")]);
      const [first] = local.daemonSets.pods("od", "agent");
      local.daemonSets.deletePod("od", first?.metadata.name ?? "");
      local.daemonSets.rollOut("od", "agent");
      expect(podImages(local.daemonSets.pods("od", "agent"))).toEqual([image("v1"), image("v2")]);
    } finally {
      await local.close();
    }
  });
});

describe("full runs on DaemonSets (simulator) driven from Slack", () => {
  it("patches the DaemonSet, waits until kubectl would call it rolled out on every node, then contracts", {
    timeout: 120_000,
  }, async () => {
    const run = await startFromSlack(h, "dsok", "v2");
    expect(run.previousRelease).toMatchObject({ version: "v1", images: { agent: image("v1") } });
    const atGate = await reachGate(h, run);
    expect(atGate.steps[1]?.message).toBe(`patched agent to ${image("v2")}`);
    expect(atGate.steps[2]?.message).toBe(`agent rolled out: every pod runs ${image("v2")}`);
    expect(podImages(sim.daemonSets.pods("dsok", "agent"))).toEqual(Array(3).fill(image("v2")));
    const done = await approveFromSlack(h, atGate);
    expect(done.status).toBe("succeeded");
  });

  it("a release whose pods crash fails at the rollout deadline, before the contract; the card's rollback brings v1 back on every node", {
    timeout: 120_000,
  }, async () => {
    const run = await startFromSlack(h, "dsbad", "v2-broken");
    const failed = await h.waitForRun(run.id, (r) => r.status === "failed");
    expect(failed.steps[2]?.status).toBe("failed");
    expect(failed.steps[2]?.message).toContain(
      'Waiting for daemon set "agent" rollout to finish: 1 out of 3 new pods have been updated...',
    );
    expect(failed.steps.slice(3).map((s) => s.status)).toEqual(["skipped", "skipped"]);
    // maxUnavailable 1: the broken release took one node down, the two others still serve v1.
    expect(podImages(sim.daemonSets.pods("dsbad", "agent"))).toEqual([
      image("v1"),
      image("v1"),
      image("v2-broken"),
    ]);
    const card = await cardOf(h, failed);
    expect(text(card)).toContain("The deploy can be rolled back to *v1*");

    // The crashing pod is out of date and unavailable once v1 is back: the controller replaces it at once.
    const rolledBack = await rollBackFromCard(h, failed, card);
    expect(rolledBack.rollback).toMatchObject({ status: "succeeded", toVersion: "v1" });
    expect(podImages(sim.daemonSets.pods("dsbad", "agent"))).toEqual(Array(3).fill(image("v1")));
  });
});
