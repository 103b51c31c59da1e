import type { RolloutStatus } from "../ports/rollout-watcher.js";
import { type Deployment, deploymentSchema } from "./resources.js";

/** Go's %q for the object names Kubernetes allows (ASCII, nothing to escape). */
const quote = (name: string) => JSON.stringify(name);

/**
 * Whether a Deployment finished rolling out, decided exactly as `kubectl rollout status` does
 * (kubectl pkg/polymorphichelpers/rollout_status.go, DeploymentStatusViewer): same checks, same order, same messages.
 * Takes the Deployment as the API returns it.
 */
export function deploymentRolloutStatus(raw: unknown): RolloutStatus {
  const parsed = deploymentSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`);
    throw new Error(
      `the Kubernetes API answered with something that is not a Deployment: ${problems.join("; ")}`,
    );
  }
  return decide(parsed.data);
}

function decide(deployment: Deployment): RolloutStatus {
  const name = quote(deployment.metadata.name);
  const { spec, status } = deployment;
  const waiting = (message: string) => ({ done: false, failed: false, message });

  if (deployment.metadata.generation > status.observedGeneration) {
    return waiting("Waiting for deployment spec update to be observed...");
  }
  const progressing = status.conditions.find((c) => c.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") {
    return { done: false, failed: true, message: `deployment ${name} exceeded its progress deadline` };
  }
  if (spec.replicas !== undefined && status.updatedReplicas < spec.replicas) {
    return waiting(
      `Waiting for deployment ${name} rollout to finish: ${status.updatedReplicas} out of ${spec.replicas} new replicas have been updated...`,
    );
  }
  if (status.replicas > status.updatedReplicas) {
    return waiting(
      `Waiting for deployment ${name} rollout to finish: ${status.replicas - status.updatedReplicas} old replicas are pending termination...`,
    );
  }
  if (status.availableReplicas < status.updatedReplicas) {
    return waiting(
      `Waiting for deployment ${name} rollout to finish: ${status.availableReplicas} of ${status.updatedReplicas} updated replicas are available...`,
    );
  }
  return { done: true, failed: false, message: `deployment ${name} successfully rolled out` };
}
