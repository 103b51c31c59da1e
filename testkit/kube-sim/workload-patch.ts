import type { Container } from "./cluster.js";
import { invalid } from "./status.js";

export interface Patchable {
  kind: string;
  metadata: {
    name: string;
    generation: number;
    resourceVersion: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: { template: { spec: { containers: Container[] } } };
  status: unknown;
}

/**
 * A patch of a workload as the API server applies it: the result must still have named containers with images;
 * a change of the spec bumps the generation; labels and annotations may change, the rest of the metadata not; the
 * status is not patched through the main resource.
 */
export function patchWorkload<Workload extends Patchable>(
  current: Workload,
  patch: unknown,
  merge: (target: unknown, patch: unknown) => unknown,
  resourceVersion: string,
  group: string,
): Workload {
  const patched = merge(current, patch) as Workload;
  const containers = patched.spec?.template?.spec?.containers;
  if (!Array.isArray(containers) || containers.some((c) => !c.name || !c.image)) {
    throw invalid(
      `${current.kind}.${group} "${current.metadata.name}" is invalid: spec.template.spec.containers: Required value: every container needs a name and an image`,
    );
  }
  // Of the metadata, only labels and annotations are the client's to change.
  const { labels, annotations } = patched.metadata;
  patched.metadata = { ...current.metadata, labels, annotations, resourceVersion };
  if (JSON.stringify(patched.spec) !== JSON.stringify(current.spec)) patched.metadata.generation += 1;
  patched.status = current.status;
  return patched;
}
