import { createHash } from "node:crypto";
import { type Cluster, type Container, key, type ObjectMeta, type Pod, randomSuffix } from "./cluster.js";
import { crashLoop, createPod, isReady, makeReady } from "./pod-lifecycle.js";
import { PodReplacingStore } from "./workload-store.js";

export interface DaemonSet {
  apiVersion: "apps/v1";
  kind: "DaemonSet";
  metadata: ObjectMeta & { generation: number };
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } };
    updateStrategy:
      | { type: "RollingUpdate"; rollingUpdate: { maxUnavailable: number; maxSurge: 0 } }
      | { type: "OnDelete"; rollingUpdate?: undefined };
  };
  status: {
    observedGeneration?: number;
    desiredNumberScheduled: number;
    currentNumberScheduled: number;
    updatedNumberScheduled?: number;
    numberReady: number;
    numberAvailable?: number;
    numberUnavailable?: number;
  };
}

export interface NewDaemonSet {
  namespace: string;
  name: string;
  image: string;
  /** Nodes the DaemonSet runs a pod on; 3 by default. */
  nodes?: number;
  maxUnavailable?: number;
  onDelete?: boolean;
}

const REVISION = "controller-revision-hash";
const revisionOf = (set: DaemonSet) =>
  createHash("sha256").update(JSON.stringify(set.spec.template)).digest("hex").slice(0, 10);

/**
 * DaemonSets and their controller, stepped by the test: one pod per node. A rolling update (maxSurge 0) replaces
 * old pods while fewer than `maxUnavailable` nodes lack an available pod, an old pod that is not available being
 * replaced at once (it counts for nothing), as the real controller does; OnDelete replaces a pod only once it is
 * deleted. Pods of a broken image crash and never get ready.
 */
export class DaemonSets extends PodReplacingStore<DaemonSet> {
  private readonly nodes = new Map<string, number>();

  constructor(cluster: Cluster) {
    super(cluster, { plural: "daemonsets", group: "apps" });
  }

  add(spec: NewDaemonSet): DaemonSet {
    const labels = { app: spec.name };
    const set: DaemonSet = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { ...this.cluster.meta(spec.namespace, spec.name, labels), generation: 1 },
      spec: {
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: "app", image: spec.image }] } },
        updateStrategy: spec.onDelete
          ? { type: "OnDelete" }
          : {
              type: "RollingUpdate",
              rollingUpdate: { maxUnavailable: spec.maxUnavailable ?? 1, maxSurge: 0 },
            },
      },
      status: { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberReady: 0 },
    };
    this.save(set);
    this.nodes.set(key(spec.namespace, spec.name), spec.nodes ?? 3);
    this.rollOut(spec.namespace, spec.name);
    return set;
  }

  /** Nodes without an available (ready, not terminating) pod of the DaemonSet. */
  unavailableNodes(namespace: string, name: string): number {
    const ready = this.pods(namespace, name).filter((p) => !p.metadata.deletionTimestamp && isReady(p));
    return this.nodeNames(namespace, name).filter((node) => !ready.some((p) => p.spec.nodeName === node))
      .length;
  }

  private nodeNames(namespace: string, name: string): string[] {
    const count = this.nodes.get(key(namespace, name)) ?? 0;
    return Array.from({ length: count }, (_, i) => `node-${i + 1}`);
  }

  protected act(set: DaemonSet): boolean {
    const { namespace, name } = set.metadata;
    if (set.metadata.generation !== set.status.observedGeneration) {
      set.status.observedGeneration = set.metadata.generation;
      return true;
    }
    const update = revisionOf(set);
    const pods = this.pods(namespace, name);
    const terminating = pods.find((p) => p.metadata.deletionTimestamp);
    if (terminating) return this.cluster.pods.delete(key(namespace, terminating.metadata.name));
    const old = pods.filter((p) => p.metadata.labels[REVISION] !== update);
    const strategy = set.spec.updateStrategy;
    if (strategy.type === "RollingUpdate") {
      const unavailableOld = old.find((p) => !isReady(p));
      if (unavailableOld) return this.terminate(unavailableOld);
      if (old[0] && this.unavailableNodes(namespace, name) < strategy.rollingUpdate.maxUnavailable)
        return this.terminate(old[0]);
    }
    const empty = this.nodeNames(namespace, name).find((node) => !pods.some((p) => p.spec.nodeName === node));
    if (empty) return this.create(set, empty, update);
    const starting = pods.find((p) => !isReady(p) && !this.isBroken(p));
    if (starting) return makeReady(this.cluster, starting);
    return false;
  }

  private terminate(pod: Pod): true {
    pod.metadata.deletionTimestamp = new Date().toISOString();
    this.cluster.savePod(pod);
    return true;
  }

  private create(set: DaemonSet, node: string, revision: string): true {
    const { namespace, name } = set.metadata;
    const labels = { ...set.spec.template.metadata.labels, [REVISION]: revision };
    const pod = createPod(this.cluster, namespace, `${name}-${randomSuffix()}`, labels, {
      ...set.spec.template.spec,
      nodeName: node,
    });
    if (this.isBroken(pod)) crashLoop(this.cluster, pod);
    return true;
  }

  protected refreshStatus(set: DaemonSet): void {
    const { namespace, name } = set.metadata;
    const update = revisionOf(set);
    const active = this.pods(namespace, name).filter((p) => !p.metadata.deletionTimestamp);
    const desired = this.nodeNames(namespace, name).length;
    const available = active.filter(isReady).length;
    const counts = {
      updatedNumberScheduled: active.filter((p) => p.metadata.labels[REVISION] === update).length,
      numberAvailable: available,
      numberUnavailable: desired - available,
    };
    set.status.desiredNumberScheduled = desired;
    set.status.currentNumberScheduled = active.length;
    set.status.numberReady = available;
    // The API omits these counters when zero.
    for (const [field, value] of Object.entries(counts)) {
      (set.status as unknown as Record<string, unknown>)[field] = value === 0 ? undefined : value;
    }
    set.metadata.resourceVersion = this.cluster.nextResourceVersion();
  }
}
