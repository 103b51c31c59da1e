import { type Cluster, key, type Pod } from "./cluster.js";
import { notFound } from "./status.js";
import { type Patchable, patchWorkload } from "./workload-patch.js";

type Stored = Patchable & { metadata: { namespace: string } };

/**
 * What every workload kind of the simulator shares: its objects by namespace and name (a missing one is the API
 * server's 404), the API server's patch, its pods (labelled `app: <name>`), and a controller the test steps one
 * action at a time.
 */
export abstract class WorkloadStore<Workload extends Stored> {
  protected readonly items = new Map<string, Workload>();

  constructor(
    protected readonly cluster: Cluster,
    private readonly resource: { plural: string; group: string },
  ) {}

  get(namespace: string, name: string): Workload {
    const workload = this.items.get(key(namespace, name));
    if (!workload) throw notFound(this.resource.plural, this.resource.group, name);
    return workload;
  }

  /** Applies a patch; a change of the spec bumps the generation, as the API server does. */
  patch(
    namespace: string,
    name: string,
    patch: unknown,
    merge: (target: unknown, patch: unknown) => unknown,
  ): Workload {
    const current = this.get(namespace, name);
    const version = this.cluster.nextResourceVersion();
    const patched = patchWorkload(current, patch, merge, version, this.resource.group);
    this.save(patched);
    return patched;
  }

  pods(namespace: string, name: string): Pod[] {
    return this.cluster.podsIn(namespace).filter((p) => p.metadata.labels.app === name);
  }

  /** One controller action; false when there is nothing left to do. */
  step(namespace: string, name: string): boolean {
    const workload = this.get(namespace, name);
    const acted = this.act(workload);
    this.refreshStatus(workload);
    return acted;
  }

  /** Steps until the controller has nothing left to do. */
  rollOut(namespace: string, name: string): void {
    while (this.step(namespace, name));
  }

  protected save(workload: Workload): void {
    this.items.set(key(workload.metadata.namespace, workload.metadata.name), workload);
  }

  protected abstract act(workload: Workload): boolean;

  protected abstract refreshStatus(workload: Workload): void;
}

/**
 * The workloads whose controller replaces pods itself one at a time or, OnDelete, once an operator deleted them
 * (DaemonSets, StatefulSets); the pods of a broken image crash and never get ready.
 */
export abstract class PodReplacingStore<Workload extends Stored> extends WorkloadStore<Workload> {
  /** Images whose pods crash (never ready): a broken release. */
  private readonly broken = new Set<string>();

  /** Pods of this image never become ready (CrashLoopBackOff). */
  breakImage(image: string): void {
    this.broken.add(image);
  }

  /** `kubectl delete pod`: what OnDelete (or a forced rollback) waits for. */
  deletePod(namespace: string, pod: string): void {
    const found = this.cluster.pods.get(key(namespace, pod));
    if (!found) throw notFound("pods", "", pod);
    found.metadata.deletionTimestamp = new Date().toISOString();
    this.cluster.savePod(found);
  }

  protected isBroken(pod: Pod): boolean {
    return this.broken.has(pod.spec.containers[0]?.image ?? "");
  }
}
