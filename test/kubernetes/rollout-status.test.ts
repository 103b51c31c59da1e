import { describe, expect, it } from "vitest";
import { deploymentRolloutStatus } from "../../src/kubernetes/rollout-status.js";

interface Shape {
  generation?: number;
  replicas?: number;
  status?: Record<string, unknown>;
}

function deployment({ generation = 2, replicas = 3, status = {} }: Shape) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop", generation, uid: "u-1" },
    spec: {
      replicas,
      selector: { matchLabels: { app: "web" } },
      template: { spec: { containers: [{ name: "app", image: "registry/shop:v42" }] } },
    },
    status: {
      observedGeneration: 2,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      ...status,
    },
  };
}

const progressing = (reason: string) => ({
  conditions: [
    { type: "Available", status: "True", reason: "MinimumReplicasAvailable" },
    { type: "Progressing", status: reason === "ProgressDeadlineExceeded" ? "False" : "True", reason },
  ],
});

describe("deploymentRolloutStatus (kubectl rollout status decisions)", () => {
  it.each([
    {
      case: "spec change not observed yet",
      input: deployment({ generation: 3 }),
      expected: {
        done: false,
        failed: false,
        message: "Waiting for deployment spec update to be observed...",
      },
    },
    {
      case: "progress deadline exceeded",
      input: deployment({ status: { updatedReplicas: 1, ...progressing("ProgressDeadlineExceeded") } }),
      expected: { done: false, failed: true, message: 'deployment "web" exceeded its progress deadline' },
    },
    {
      case: "new replicas still being created",
      input: deployment({ status: { updatedReplicas: 1, ...progressing("ReplicaSetUpdated") } }),
      expected: {
        done: false,
        failed: false,
        message:
          'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
      },
    },
    {
      case: "old replicas pending termination",
      input: deployment({ status: { replicas: 5, updatedReplicas: 3 } }),
      expected: {
        done: false,
        failed: false,
        message: 'Waiting for deployment "web" rollout to finish: 2 old replicas are pending termination...',
      },
    },
    {
      case: "updated replicas not available yet",
      input: deployment({ status: { availableReplicas: 1 } }),
      expected: {
        done: false,
        failed: false,
        message: 'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...',
      },
    },
    {
      case: "everything updated and available",
      input: deployment({ status: progressing("NewReplicaSetAvailable") }),
      expected: { done: true, failed: false, message: 'deployment "web" successfully rolled out' },
    },
  ])("$case", ({ input, expected }) => {
    expect(deploymentRolloutStatus(input)).toEqual(expected);
  });

  it("checks the observed generation before the progress deadline, as kubectl does", () => {
    const stale = deployment({ generation: 3, status: progressing("ProgressDeadlineExceeded") });
    expect(deploymentRolloutStatus(stale).failed).toBe(false);
  });

  it("reports the deadline before counting replicas", () => {
    const input = deployment({
      status: { replicas: 4, availableReplicas: 0, ...progressing("ProgressDeadlineExceeded") },
    });
    expect(deploymentRolloutStatus(input).failed).toBe(true);
  });

  it("treats missing counters as zero, like the API's omitted fields", () => {
    const fresh = deployment({});
    fresh.status = { observedGeneration: 2 } as typeof fresh.status;
    expect(deploymentRolloutStatus(fresh).message).toBe(
      'Waiting for deployment "web" rollout to finish: 0 out of 3 new replicas have been updated...',
    );
  });

  it("skips the desired-replicas check when spec.replicas is absent", () => {
    const input = deployment({ status: { replicas: 0, updatedReplicas: 0, availableReplicas: 0 } });
    delete (input.spec as { replicas?: number }).replicas;
    expect(deploymentRolloutStatus(input).done).toBe(true);
  });

  it("waits for a Deployment the controller has never seen", () => {
    const input = deployment({});
    delete (input as { status?: unknown }).status;
    expect(deploymentRolloutStatus(input).message).toBe(
      "Waiting for deployment spec update to be observed...",
    );
  });

  it("refuses an answer that is not a Deployment, naming the field", () => {
    expect(() => deploymentRolloutStatus({ kind: "Status", metadata: {} })).toThrow(/metadata\.name/);
  });
});
