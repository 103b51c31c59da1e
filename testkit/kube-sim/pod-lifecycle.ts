import type { Cluster, Container, Pod } from "./cluster.js";

/** A new pod of a workload, Pending until a controller step makes it ready. */
export function createPod(
  cluster: Cluster,
  namespace: string,
  name: string,
  labels: Record<string, string>,
  spec: { containers: Container[]; [field: string]: unknown },
): Pod {
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: cluster.meta(namespace, name, labels),
    spec: structuredClone(spec),
    status: { phase: "Pending", conditions: [{ type: "Ready", status: "False" }] },
  };
  cluster.savePod(pod);
  return pod;
}

/** The pod's containers started and its readiness probe passed. */
export function makeReady(cluster: Cluster, pod: Pod): true {
  pod.status = {
    phase: "Running",
    conditions: [{ type: "Ready", status: "True" }],
    containerStatuses: pod.spec.containers.map((c) => ({
      name: c.name,
      image: c.image,
      ready: true,
      state: { running: { startedAt: new Date().toISOString() } },
    })),
  };
  cluster.savePod(pod);
  return true;
}

/** The pod's first container keeps crashing: the pod stays unready. */
export function crashLoop(cluster: Cluster, pod: Pod): void {
  pod.status = {
    phase: "Running",
    conditions: [{ type: "Ready", status: "False" }],
    containerStatuses: pod.spec.containers.map((c) => ({
      name: c.name,
      image: c.image,
      ready: false,
      state: {
        waiting: { reason: "CrashLoopBackOff", message: "back-off 5m0s restarting failed container" },
      },
    })),
  };
  cluster.savePod(pod);
}

export const isReady = (pod: Pod) =>
  pod.status.conditions.some((c) => c.type === "Ready" && c.status === "True");
