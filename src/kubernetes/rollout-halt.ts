import type { KubernetesClient } from "./client.js";
import { isNotFound } from "./kubernetes-error.js";
import {
  KINDS,
  type Workload,
  type WorkloadObject,
  workloadPath,
  workloadRef,
  workloadSchema,
} from "./workloads.js";

/**
 * The annotation on a Deployment phasegate paused when a run was cancelled during its rollout: the run's id. The
 * next deploy of the Deployment (the run's rollback, or a later run) resumes it; one paused by someone else stays
 * paused, and the rollout wait says so.
 */
export const PAUSED_BY = "phasegate.dev/paused-by-run";

/** A merge patch of the status subresource, as `kubectl argo rollouts abort` sends it. */
const ABORT = { status: { abort: true } };

/**
 * Stops the rollout of one workload where Kubernetes can, and says what it did: a Deployment is paused (as
 * `kubectl rollout pause` does), an Argo Rollout aborted (as `kubectl argo rollouts abort` does: the canary is
 * scaled down, the stable pods serve). A StatefulSet or a DaemonSet cannot be paused (`kubectl rollout pause`
 * refuses them): its rolling update goes on, and the message says how to hold it by hand. A workload whose
 * rollout already finished is left as it is.
 */
export async function haltWorkload(
  client: KubernetesClient,
  namespace: string,
  workload: Workload,
  runId: string,
  signal?: AbortSignal,
): Promise<string> {
  const path = workloadPath(namespace, workload);
  const raw = await client.json({ method: "GET", path }, workloadSchema, signal);
  const kind = KINDS[workload.kind];
  const named = `${kind.noun} "${workload.name}"`;
  const status = kind.decide(raw);
  if (status.done) return `${named} had finished rolling out`;
  const where = `-n ${namespace}`;
  switch (workload.kind) {
    case "Deployment": {
      if (raw.spec.paused) return `${named} was paused already (${status.message})`;
      await client.json(
        {
          method: "PATCH",
          path,
          contentType: "application/strategic-merge-patch+json",
          body: { metadata: { annotations: { [PAUSED_BY]: runId } }, spec: { paused: true } },
        },
        workloadSchema,
        signal,
      );
      return `paused ${named} where it stood (${status.message}); rolling back resumes it, or \`kubectl rollout resume ${workloadRef(workload)} ${where}\` lets it go on`;
    }
    case "Rollout":
      await abortRollout(client, path, signal);
      return `aborted ${named} (${status.message}): Argo Rollouts scales the canary down and the stable pods serve; rolling back sets the stable image back`;
    case "StatefulSet":
      return `${named} cannot be paused (\`kubectl rollout pause\` supports Deployments only): its rolling update goes on (${status.message}); to hold it, raise its partition: \`kubectl patch ${workloadRef(workload)} ${where} -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":${partitionToHold(raw)}}}}}'\``;
    case "DaemonSet":
      return `${named} cannot be paused (\`kubectl rollout pause\` supports Deployments only): its rolling update goes on (${status.message})`;
  }
}

/** The status subresource first; a Rollout CRD installed without it takes the patch on the object (as the plugin). */
async function abortRollout(client: KubernetesClient, path: string, signal?: AbortSignal): Promise<void> {
  const patch = { method: "PATCH" as const, contentType: "application/merge-patch+json", body: ABORT };
  try {
    await client.json({ ...patch, path: `${path}/status` }, workloadSchema, signal);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await client.json({ ...patch, path }, workloadSchema, signal);
  }
}

/** A partition at the replica count updates no further pod. */
const partitionToHold = (raw: WorkloadObject) => raw.spec.replicas ?? 1;

/**
 * What a deploy adds to its patch of a Deployment phasegate paused at a cancel: resume it (and drop the mark), so
 * the rollback, or the next run, rolls out. Nothing for any other workload.
 */
export function resumeIfHalted(
  workload: Workload,
  raw: WorkloadObject,
): { metadata: { annotations: Record<string, null> }; spec: { paused: false } } | null {
  if (workload.kind !== "Deployment" || !raw.spec.paused || raw.metadata.annotations[PAUSED_BY] === undefined)
    return null;
  return { metadata: { annotations: { [PAUSED_BY]: null } }, spec: { paused: false } };
}
