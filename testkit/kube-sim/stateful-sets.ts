import { createHash } from "node:crypto";
import { type Cluster, type Container, key, type ObjectMeta } from "./cluster.js";
import { crashLoop, createPod, isReady, makeReady } from "./pod-lifecycle.js";
import { PodReplacingStore } from "./workload-store.js";

export interface StatefulSet {
  apiVersion: "apps/v1";
  kind: "StatefulSet";
  metadata: ObjectMeta & { generation: number };
  spec: {
    replicas: number;
    serviceName: string;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } };
    updateStrategy:
      | { type: "RollingUpdate"; rollingUpdate: { partition: number } }
      | { type: "OnDelete"; rollingUpdate?: undefined };
  };
  status: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    currentReplicas?: number;
    updatedReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
  };
}

export interface NewStatefulSet {
  namespace: string;
  name: string;
  image: string;
  replicas?: number;
  partition?: number;
  onDelete?: boolean;
}

const REVISION = "controller-revision-hash";
const revisionOf = (set: StatefulSet) =>
  `${set.metadata.name}-${createHash("sha256").update(JSON.stringify(set.spec.template)).digest("hex").slice(0, 10)}`;

/**
 * StatefulSets and their controller, stepped by the test like the Deployments': pods `<name>-<ordinal>`, created
 * in order; a rolling update replaces one pod at a time from the highest ordinal down to the partition (delete,
 * recreate at the update revision, wait until ready); OnDelete replaces nothing until a pod is deleted.
 */
export class StatefulSets extends PodReplacingStore<StatefulSet> {
  /** Each revision's template, as ControllerRevisions keep them. */
  private readonly templates = new Map<string, StatefulSet["spec"]["template"]>();

  constructor(cluster: Cluster) {
    super(cluster, { plural: "statefulsets", group: "apps" });
  }

  add(spec: NewStatefulSet): StatefulSet {
    const labels = { app: spec.name };
    const set: StatefulSet = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { ...this.cluster.meta(spec.namespace, spec.name, labels), generation: 1 },
      spec: {
        replicas: spec.replicas ?? 3,
        serviceName: spec.name,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: "app", image: spec.image }] } },
        updateStrategy: spec.onDelete
          ? { type: "OnDelete" }
          : { type: "RollingUpdate", rollingUpdate: { partition: spec.partition ?? 0 } },
      },
      status: {},
    };
    this.save(set);
    this.rollOut(spec.namespace, spec.name);
    return set;
  }

  protected act(set: StatefulSet): boolean {
    const { namespace, name } = set.metadata;
    if (set.metadata.generation !== set.status.observedGeneration) {
      set.status.observedGeneration = set.metadata.generation;
      set.status.updateRevision = revisionOf(set);
      set.status.currentRevision ??= set.status.updateRevision;
      return true;
    }
    const update = revisionOf(set);
    const byOrdinal = (ordinal: number) => this.cluster.pods.get(key(namespace, `${name}-${ordinal}`));
    for (let ordinal = 0; ordinal < set.spec.replicas; ordinal++) {
      const pod = byOrdinal(ordinal);
      if (!pod)
        return this.create(set, ordinal, ordinal < this.partition(set) ? set.status.currentRevision : update);
      if (pod.metadata.deletionTimestamp) return this.cluster.pods.delete(key(namespace, pod.metadata.name));
      if (!isReady(pod)) {
        if (this.isBroken(pod)) return false;
        return makeReady(this.cluster, pod);
      }
    }
    if (set.spec.updateStrategy.type === "OnDelete") return false;
    for (let ordinal = set.spec.replicas - 1; ordinal >= this.partition(set); ordinal--) {
      const pod = byOrdinal(ordinal);
      if (pod && pod.metadata.labels[REVISION] !== update) {
        pod.metadata.deletionTimestamp = new Date().toISOString();
        this.cluster.savePod(pod);
        return true;
      }
    }
    if (this.partition(set) === 0 && set.status.currentRevision !== update) {
      set.status.currentRevision = update;
      return true;
    }
    return false;
  }

  private partition(set: StatefulSet): number {
    return set.spec.updateStrategy.rollingUpdate?.partition ?? 0;
  }

  /** A pod at the given revision: the update revision's template, or the old one kept on the pods below it. */
  private create(set: StatefulSet, ordinal: number, revision: string | undefined): true {
    const { namespace, name } = set.metadata;
    const previous = this.templates.get(revision ?? "") ?? set.spec.template;
    const labels = { ...previous.metadata.labels, [REVISION]: revision ?? revisionOf(set) };
    const pod = createPod(this.cluster, namespace, `${name}-${ordinal}`, labels, previous.spec);
    if (this.isBroken(pod)) crashLoop(this.cluster, pod);
    return true;
  }

  protected refreshStatus(set: StatefulSet): void {
    this.templates.set(revisionOf(set), structuredClone(set.spec.template));
    const active = this.pods(set.metadata.namespace, set.metadata.name).filter(
      (p) => !p.metadata.deletionTimestamp,
    );
    const counts = {
      replicas: active.length,
      readyReplicas: active.filter(isReady).length,
      currentReplicas: active.filter((p) => p.metadata.labels[REVISION] === set.status.currentRevision)
        .length,
      updatedReplicas: active.filter((p) => p.metadata.labels[REVISION] === set.status.updateRevision).length,
    };
    for (const [field, value] of Object.entries(counts)) {
      (set.status as Record<string, unknown>)[field] = value === 0 ? undefined : value;
    }
    set.metadata.resourceVersion = this.cluster.nextResourceVersion();
  }
}
