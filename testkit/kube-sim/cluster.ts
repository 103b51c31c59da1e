import { randomBytes, randomUUID } from "node:crypto";

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  [field: string]: unknown;
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  creationTimestamp: string;
  deletionTimestamp?: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

export interface Pod {
  apiVersion: "v1";
  kind: "Pod";
  metadata: ObjectMeta;
  spec: { containers: Container[]; restartPolicy?: string; [field: string]: unknown };
  status: {
    phase: "Pending" | "Running" | "Succeeded" | "Failed";
    conditions: { type: string; status: "True" | "False" }[];
    containerStatuses?: {
      name: string;
      image: string;
      ready: boolean;
      state: Record<string, Record<string, unknown>>;
    }[];
  };
}

/** The objects the simulator holds, keyed "namespace/name". */
export class Cluster {
  readonly pods = new Map<string, Pod>();
  readonly configMaps = new Map<string, Record<string, string>>();
  readonly secrets = new Map<string, Record<string, string>>();
  /** Combined stdout and stderr of each pod's container, in the order written. */
  readonly logs = new Map<string, string>();
  private resourceVersion = 1000;

  nextResourceVersion(): string {
    this.resourceVersion += 1;
    return String(this.resourceVersion);
  }

  meta(namespace: string, name: string, labels: Record<string, string> = {}): ObjectMeta {
    return {
      name,
      namespace,
      uid: randomUUID(),
      resourceVersion: this.nextResourceVersion(),
      creationTimestamp: new Date().toISOString(),
      labels,
    };
  }

  podsIn(namespace: string): Pod[] {
    return [...this.pods.values()].filter((p) => p.metadata.namespace === namespace);
  }

  savePod(pod: Pod): void {
    pod.metadata.resourceVersion = this.nextResourceVersion();
    this.pods.set(key(pod.metadata.namespace, pod.metadata.name), pod);
  }
}

export const key = (namespace: string, name: string) => `${namespace}/${name}`;

/** Kubernetes' random pod-name suffix: 5 characters. */
export const randomSuffix = () =>
  [...randomBytes(5)].map((b) => "bcdfghjklmnpqrstvwxz2456789"[b % 27]).join("");
