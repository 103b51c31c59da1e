import { KubernetesError } from "./kubernetes-error.js";

interface WithPodTemplate {
  metadata: { name: string };
  spec: { template?: { spec: { containers: { name: string; image?: string }[] } } };
}

/**
 * The container of a workload phasegate manages: the configured one, or the only one. `noun` names the kind as
 * kubectl does ("deployment", "statefulset", "rollout").
 */
export function pickContainer<Workload extends WithPodTemplate>(
  workload: Workload,
  configured: string | undefined,
  noun = "deployment",
) {
  const name = workload.metadata.name;
  const template = workload.spec.template;
  if (!template) {
    throw new KubernetesError(
      "configuration",
      `${noun} "${name}" has no pod template of its own (a workloadRef?): list the workload it refers to instead`,
    );
  }
  const { containers } = template.spec;
  const names = containers.map((c) => c.name).join(", ");
  if (configured) {
    const container = containers.find((c) => c.name === configured);
    if (!container) {
      throw new KubernetesError(
        "configuration",
        `${noun} "${name}" has no container "${configured}" (it has: ${names}); fix the container in the services file`,
      );
    }
    return container;
  }
  const [only, ...others] = containers;
  if (!only || others.length > 0) {
    throw new KubernetesError(
      "configuration",
      `${noun} "${name}" has several containers (${names}): name the one running the service with container: in the services file`,
    );
  }
  return only;
}
