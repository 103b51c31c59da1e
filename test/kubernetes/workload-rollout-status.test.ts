import { describe, expect, it } from "vitest";
import {
  argoRolloutStatus,
  daemonSetRolloutStatus,
  statefulSetRolloutStatus,
} from "../../src/kubernetes/rollout-status.js";

const template = { spec: { containers: [{ name: "app", image: "registry/shop:v42" }] } };
const waiting = (message: string) => ({ done: false, failed: false, message });
const failed = (message: string) => ({ done: false, failed: true, message });
const done = (message: string) => ({ done: true, failed: false, message });

function statefulSet(spec: Record<string, unknown>, status: Record<string, unknown>, generation = 2) {
  return {
    metadata: { name: "db", namespace: "shop", generation },
    spec: { replicas: 3, selector: { matchLabels: { app: "db" } }, template, ...spec },
    status: {
      observedGeneration: 2,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      currentRevision: "db-7f",
      updateRevision: "db-7f",
      ...status,
    },
  };
}

const rolling = (partition?: number) => ({
  updateStrategy: {
    type: "RollingUpdate",
    rollingUpdate: partition === undefined ? undefined : { partition },
  },
});

describe("statefulSetRolloutStatus (kubectl rollout status decisions)", () => {
  it.each([
    {
      case: "never observed (observedGeneration 0)",
      input: statefulSet(rolling(0), { observedGeneration: 0 }),
      expected: waiting("Waiting for statefulset spec update to be observed..."),
    },
    {
      case: "spec change not observed yet",
      input: statefulSet(rolling(0), {}, 3),
      expected: waiting("Waiting for statefulset spec update to be observed..."),
    },
    {
      case: "pods not ready (checked before the partition)",
      input: statefulSet(rolling(0), { readyReplicas: 1, updatedReplicas: 1 }),
      expected: waiting("Waiting for 2 pods to be ready..."),
    },
    {
      case: "partition 0: pods still to update",
      input: statefulSet(rolling(0), { updatedReplicas: 1 }),
      expected: waiting(
        "Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...",
      ),
    },
    {
      case: "partition 0: every pod updated",
      input: statefulSet(rolling(0), { updatedReplicas: 3, updateRevision: "db-8a" }),
      expected: done("partitioned roll out complete: 3 new pods have been updated..."),
    },
    {
      case: "partition 2: only the pod above it has to be updated",
      input: statefulSet(rolling(2), { updatedReplicas: 1, updateRevision: "db-8a" }),
      expected: done("partitioned roll out complete: 1 new pods have been updated..."),
    },
    {
      case: "partition 2: the pod above it not updated yet",
      input: statefulSet(rolling(2), { updatedReplicas: 0, updateRevision: "db-8a" }),
      expected: waiting(
        "Waiting for partitioned roll out to finish: 0 out of 1 new pods have been updated...",
      ),
    },
    {
      case: "no rollingUpdate block: revisions differ",
      input: statefulSet(rolling(), { updatedReplicas: 2, updateRevision: "db-8a" }),
      expected: waiting("waiting for statefulset rolling update to complete 2 pods at revision db-8a..."),
    },
    {
      case: "no rollingUpdate block: revisions equal",
      input: statefulSet(rolling(), { currentRevision: "db-8a", updateRevision: "db-8a" }),
      expected: done("statefulset rolling update complete 3 pods at revision db-8a..."),
    },
    {
      case: "no update strategy given: the API's default (RollingUpdate) applies",
      input: statefulSet({}, { updatedReplicas: 1, updateRevision: "db-8a" }),
      expected: waiting("waiting for statefulset rolling update to complete 1 pods at revision db-8a..."),
    },
    {
      case: "OnDelete cannot be followed",
      input: statefulSet({ updateStrategy: { type: "OnDelete" } }, {}),
      expected: failed(
        'rollout status is only available for RollingUpdate strategy type: statefulset "db" uses OnDelete, so its pods change only when deleted; delete them (or switch it to RollingUpdate), then roll back or retry the run',
      ),
    },
  ])("$case", ({ input, expected }) => {
    expect(statefulSetRolloutStatus(input)).toEqual(expected);
  });
});

function daemonSet(status: Record<string, unknown>, strategy = "RollingUpdate", generation = 4) {
  return {
    metadata: { name: "agent", namespace: "shop", generation },
    spec: { selector: { matchLabels: { app: "agent" } }, template, updateStrategy: { type: strategy } },
    status: {
      observedGeneration: 4,
      desiredNumberScheduled: 5,
      updatedNumberScheduled: 5,
      numberAvailable: 5,
      ...status,
    },
  };
}

describe("daemonSetRolloutStatus (kubectl rollout status decisions)", () => {
  it.each([
    {
      case: "spec change not observed yet",
      input: daemonSet({}, "RollingUpdate", 5),
      expected: waiting("Waiting for daemon set spec update to be observed..."),
    },
    {
      case: "nodes still on the old pod",
      input: daemonSet({ updatedNumberScheduled: 2 }),
      expected: waiting(
        'Waiting for daemon set "agent" rollout to finish: 2 out of 5 new pods have been updated...',
      ),
    },
    {
      case: "updated pods not all available",
      input: daemonSet({ numberAvailable: 4 }),
      expected: waiting(
        'Waiting for daemon set "agent" rollout to finish: 4 of 5 updated pods are available...',
      ),
    },
    {
      case: "every node runs an available updated pod",
      input: daemonSet({}),
      expected: done('daemon set "agent" successfully rolled out'),
    },
    {
      case: "a DaemonSet on no node is rolled out",
      input: daemonSet({ desiredNumberScheduled: 0, updatedNumberScheduled: 0, numberAvailable: 0 }),
      expected: done('daemon set "agent" successfully rolled out'),
    },
    {
      case: "OnDelete cannot be followed",
      input: daemonSet({}, "OnDelete"),
      expected: failed(
        'rollout status is only available for RollingUpdate strategy type: daemon set "agent" uses OnDelete, so its pods change only when deleted; delete them (or switch it to RollingUpdate), then roll back or retry the run',
      ),
    },
  ])("$case", ({ input, expected }) => {
    expect(daemonSetRolloutStatus(input)).toEqual(expected);
  });
});

interface RolloutShape {
  generation?: number;
  annotations?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

function rollout({ generation = 3, annotations = {}, spec = {}, status = {} }: RolloutShape) {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Rollout",
    metadata: { name: "web", namespace: "shop", generation, annotations },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: "web" } },
      template,
      strategy: { canary: { steps: [{ setWeight: 25 }, { pause: {} }] } },
      ...spec,
    },
    status: { observedGeneration: "3", ...status },
  };
}

const promote =
  "waiting for promotion (kubectl argo rollouts promote web -n shop); phasegate does not promote";

describe("argoRolloutStatus (kubectl argo rollouts status decisions)", () => {
  it.each([
    {
      case: "Healthy at the observed generation",
      input: rollout({ status: { phase: "Healthy" } }),
      expected: done('rollout "web" is Healthy'),
    },
    {
      case: "Healthy, but the spec change not observed yet",
      input: rollout({ generation: 4, status: { phase: "Healthy" } }),
      expected: waiting('rollout "web": Progressing - waiting for rollout spec update to be observed'),
    },
    {
      case: "an observedGeneration that is a hash (before v0.10) counts as observed",
      input: rollout({ generation: 4, status: { observedGeneration: "5c7d9f", phase: "Healthy" } }),
      expected: done('rollout "web" is Healthy'),
    },
    {
      case: "paused at a canary step",
      input: rollout({
        status: {
          phase: "Paused",
          message: "CanaryPauseStep",
          controllerPause: true,
          pauseConditions: [{ reason: "CanaryPauseStep" }],
        },
      }),
      expected: waiting(`rollout "web": Paused - CanaryPauseStep: ${promote}`),
    },
    {
      case: "promoted: pause conditions cleared, the controller has not reacted yet",
      input: rollout({ status: { phase: "Paused", message: "CanaryPauseStep", controllerPause: true } }),
      expected: waiting('rollout "web": Progressing - waiting for rollout to unpause'),
    },
    {
      case: "progressing through its steps",
      input: rollout({ status: { phase: "Progressing", message: "more replicas need to be updated" } }),
      expected: waiting('rollout "web": Progressing - more replicas need to be updated'),
    },
    {
      case: "aborted",
      input: rollout({
        status: {
          phase: "Degraded",
          message: "RolloutAborted: Rollout aborted update to revision 2",
          abort: true,
        },
      }),
      expected: failed(
        'rollout "web" is in a degraded state with message: RolloutAborted: Rollout aborted update to revision 2',
      ),
    },
    {
      case: "progress deadline exceeded",
      input: rollout({
        status: {
          phase: "Degraded",
          message: 'ProgressDeadlineExceeded: ReplicaSet "web-6d4f" has timed out progressing.',
        },
      }),
      expected: failed(
        'rollout "web" is in a degraded state with message: ProgressDeadlineExceeded: ReplicaSet "web-6d4f" has timed out progressing.',
      ),
    },
    {
      case: "workloadRef: the referenced Deployment's change not observed yet",
      input: rollout({
        annotations: { "rollout.argoproj.io/workload-generation": "7" },
        spec: { templateResolvedFromRef: true },
        status: { phase: "Healthy", workloadObservedGeneration: "6" },
      }),
      expected: waiting(
        'rollout "web": Progressing - waiting for rollout spec update to be observed for the reference workload',
      ),
    },
  ])("$case", ({ input, expected }) => {
    expect(argoRolloutStatus(input)).toEqual(expected);
  });

  describe("without status.phase (controllers before v1.0): computed as the plugin does", () => {
    const counts = { replicas: 4, updatedReplicas: 4, availableReplicas: 4 };
    it.each([
      {
        case: "invalid spec",
        status: { conditions: [{ type: "InvalidSpec", status: "True", message: "steps are empty" }] },
        expected: failed('rollout "web" is in a degraded state with message: InvalidSpec: steps are empty'),
      },
      {
        case: "aborted condition",
        status: {
          conditions: [
            { type: "Progressing", status: "False", reason: "RolloutAborted", message: "aborted" },
          ],
        },
        expected: failed('rollout "web" is in a degraded state with message: RolloutAborted: aborted'),
      },
      {
        case: "a pause condition",
        status: { pauseConditions: [{ reason: "CanaryPauseStep" }], controllerPause: true },
        expected: waiting(`rollout "web": Paused - CanaryPauseStep: ${promote}`),
      },
      {
        case: "more replicas to update",
        status: { ...counts, updatedReplicas: 1 },
        expected: waiting('rollout "web": Progressing - more replicas need to be updated'),
      },
      {
        case: "updated replicas becoming available",
        status: { ...counts, availableReplicas: 3 },
        expected: waiting('rollout "web": Progressing - updated replicas are still becoming available'),
      },
      {
        case: "old replicas pending termination (basic canary)",
        status: { ...counts, replicas: 5 },
        expected: waiting('rollout "web": Progressing - old replicas are pending termination'),
      },
      {
        case: "steps not all done (stable is not the current hash)",
        status: { ...counts, stableRS: "6d4f", currentPodHash: "7a1b" },
        expected: waiting('rollout "web": Progressing - waiting for all steps to complete'),
      },
      {
        case: "fully promoted",
        status: { ...counts, stableRS: "7a1b", currentPodHash: "7a1b" },
        expected: done('rollout "web" is Healthy'),
      },
    ])("$case", ({ status, expected }) => {
      expect(argoRolloutStatus(rollout({ status }))).toEqual(expected);
    });

    it("manually paused (spec.paused) waits for a human", () => {
      expect(argoRolloutStatus(rollout({ spec: { paused: true }, status: counts }))).toEqual(
        waiting(`rollout "web": Paused - manually paused: ${promote}`),
      );
    });

    it("blue-green: waits for the active service cutover, then for post-promotion analysis", () => {
      const blueGreen = { strategy: { blueGreen: { postPromotionAnalysis: { templates: [] } } } };
      const base = { ...counts, currentPodHash: "7a1b", stableRS: "6d4f" };
      expect(argoRolloutStatus(rollout({ spec: blueGreen, status: base }))).toEqual(
        waiting('rollout "web": Progressing - active service cutover pending'),
      );
      const cutOver = { ...base, blueGreen: { activeSelector: "7a1b" } };
      expect(argoRolloutStatus(rollout({ spec: blueGreen, status: cutOver }))).toEqual(
        waiting('rollout "web": Progressing - waiting for analysis to complete'),
      );
      const analysed = {
        ...cutOver,
        blueGreen: { ...cutOver.blueGreen, postPromotionAnalysisRunStatus: { status: "Successful" } },
      };
      expect(argoRolloutStatus(rollout({ spec: blueGreen, status: analysed }))).toEqual(
        waiting('rollout "web": Progressing - waiting for post-promotion verification to complete'),
      );
      expect(
        argoRolloutStatus(rollout({ spec: blueGreen, status: { ...analysed, stableRS: "7a1b" } })),
      ).toEqual(done('rollout "web" is Healthy'));
    });
  });

  it("something that is not a Rollout is refused with what is wrong", () => {
    expect(() => argoRolloutStatus({ metadata: {} })).toThrow(
      /^the Kubernetes API answered with something that is not an Argo Rollouts Rollout: metadata.name: /,
    );
  });
});
