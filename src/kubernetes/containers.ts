import { KubernetesError } from "./kubernetes-error.js";
import type { Deployment } from "./resources.js";

/** The container of a Deployment phasegate manages: the configured one, or the only one. */
export function pickContainer(deployment: Deployment, configured: string | undefined) {
  const { containers } = deployment.spec.template.spec;
  const names = containers.map((c) => c.name).join(", ");
  const name = deployment.metadata.name;
  if (configured) {
    const container = containers.find((c) => c.name === configured);
    if (!container) {
      throw new KubernetesError(
        "configuration",
        `deployment "${name}" has no container "${configured}" (it has: ${names}); fix the container in the services file`,
      );
    }
    return container;
  }
  const [only, ...others] = containers;
  if (!only || others.length > 0) {
    throw new KubernetesError(
      "configuration",
      `deployment "${name}" has several containers (${names}): name the one running the service with container: in the services file`,
    );
  }
  return only;
}
