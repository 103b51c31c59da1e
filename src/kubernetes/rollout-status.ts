import type { z } from "zod";
import { issueLines } from "../domain/issues/issue-lines.js";
import type { RolloutStatus } from "../ports/rollout-watcher.js";
import {
  type ArgoRollout,
  argoRolloutSchema,
  type DaemonSet,
  type Deployment,
  daemonSetSchema,
  deploymentSchema,
  type StatefulSet,
  statefulSetSchema,
} from "./resources.js";

/** Go's %q for the object names Kubernetes allows (ASCII, nothing to escape). */
const quote = (name: string) => JSON.stringify(name);

/**
 * Whether a Deployment finished rolling out, decided exactly as `kubectl rollout status` does
 * (kubectl pkg/polymorphichelpers/rollout_status.go, DeploymentStatusViewer): same checks, same order, same messages.
 * Takes the Deployment as the API returns it.
 */
export function deploymentRolloutStatus(raw: unknown): RolloutStatus {
  return decideDeployment(parse(deploymentSchema, raw, "a Deployment"));
}

/**
 * Whether a StatefulSet finished rolling out, decided as `kubectl rollout status` does (StatefulSetStatusViewer):
 * with a partition, done when the pods at or above it are updated and every pod is ready; OnDelete cannot be
 * followed (kubectl refuses it; here the rollout fails with kubectl's words and what to do).
 */
export function statefulSetRolloutStatus(raw: unknown): RolloutStatus {
  return decideStatefulSet(parse(statefulSetSchema, raw, "a StatefulSet"));
}

/** Whether a DaemonSet finished rolling out, decided as `kubectl rollout status` does (DaemonSetStatusViewer). */
export function daemonSetRolloutStatus(raw: unknown): RolloutStatus {
  return decideDaemonSet(parse(daemonSetSchema, raw, "a DaemonSet"));
}

/**
 * Whether an Argo Rollouts `Rollout` finished, decided as `kubectl argo rollouts status` does (the plugin's
 * GetRolloutPhase, utils/rollout/rolloututil.go): Healthy at the observed generation is done, Degraded (an abort,
 * a progress deadline, an invalid spec) fails, Paused waits for someone to promote it, anything else progresses.
 */
export function argoRolloutStatus(raw: unknown): RolloutStatus {
  return decideArgoRollout(parse(argoRolloutSchema, raw, "an Argo Rollouts Rollout"));
}

function parse<Schema extends z.ZodType>(schema: Schema, raw: unknown, what: string): z.infer<Schema> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = issueLines(parsed.error.issues, "(top level)");
    throw new Error(`the Kubernetes API answered with something that is not ${what}: ${problems.join("; ")}`);
  }
  return parsed.data;
}

const waiting = (message: string): RolloutStatus => ({ done: false, failed: false, message });
const failed = (message: string): RolloutStatus => ({ done: false, failed: true, message });
const done = (message: string): RolloutStatus => ({ done: true, failed: false, message });

function decideDeployment(deployment: Deployment): RolloutStatus {
  const name = quote(deployment.metadata.name);
  const { spec, status } = deployment;

  if (deployment.metadata.generation > status.observedGeneration) {
    return waiting("Waiting for deployment spec update to be observed...");
  }
  const progressing = status.conditions.find((c) => c.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") {
    return failed(`deployment ${name} exceeded its progress deadline`);
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
  return done(`deployment ${name} successfully rolled out`);
}

/** kubectl's refusal of OnDelete (it names RollingUpdate of StatefulSets for DaemonSets too), with what to do. */
const onlyRollingUpdate = (kind: string, name: string, type: string) =>
  failed(
    `rollout status is only available for RollingUpdate strategy type: ${kind} ${quote(name)} uses ${type}, so ` +
      "its pods change only when deleted; delete them (or switch it to RollingUpdate), then roll back or retry the run",
  );

function decideStatefulSet(sts: StatefulSet): RolloutStatus {
  const { spec, status } = sts;
  if (spec.updateStrategy.type !== "RollingUpdate") {
    return onlyRollingUpdate("statefulset", sts.metadata.name, spec.updateStrategy.type);
  }
  if (status.observedGeneration === 0 || sts.metadata.generation > status.observedGeneration) {
    return waiting("Waiting for statefulset spec update to be observed...");
  }
  if (spec.replicas !== undefined && status.readyReplicas < spec.replicas) {
    return waiting(`Waiting for ${spec.replicas - status.readyReplicas} pods to be ready...`);
  }
  const rollingUpdate = spec.updateStrategy.rollingUpdate;
  if (rollingUpdate) {
    if (spec.replicas !== undefined && rollingUpdate.partition !== undefined) {
      const toUpdate = spec.replicas - rollingUpdate.partition;
      if (status.updatedReplicas < toUpdate) {
        return waiting(
          `Waiting for partitioned roll out to finish: ${status.updatedReplicas} out of ${toUpdate} new pods have been updated...`,
        );
      }
    }
    return done(`partitioned roll out complete: ${status.updatedReplicas} new pods have been updated...`);
  }
  if (status.updateRevision !== status.currentRevision) {
    return waiting(
      `waiting for statefulset rolling update to complete ${status.updatedReplicas} pods at revision ${status.updateRevision}...`,
    );
  }
  return done(
    `statefulset rolling update complete ${status.currentReplicas} pods at revision ${status.currentRevision}...`,
  );
}

function decideDaemonSet(daemon: DaemonSet): RolloutStatus {
  const { spec, status } = daemon;
  const name = quote(daemon.metadata.name);
  if (spec.updateStrategy.type !== "RollingUpdate") {
    return onlyRollingUpdate("daemon set", daemon.metadata.name, spec.updateStrategy.type);
  }
  if (daemon.metadata.generation > status.observedGeneration) {
    return waiting("Waiting for daemon set spec update to be observed...");
  }
  if (status.updatedNumberScheduled < status.desiredNumberScheduled) {
    return waiting(
      `Waiting for daemon set ${name} rollout to finish: ${status.updatedNumberScheduled} out of ${status.desiredNumberScheduled} new pods have been updated...`,
    );
  }
  if (status.numberAvailable < status.desiredNumberScheduled) {
    return waiting(
      `Waiting for daemon set ${name} rollout to finish: ${status.numberAvailable} of ${status.desiredNumberScheduled} updated pods are available...`,
    );
  }
  return done(`daemon set ${name} successfully rolled out`);
}

/** The annotation a Rollout with a workloadRef carries: the referenced Deployment's generation. */
const WORKLOAD_GENERATION = "rollout.argoproj.io/workload-generation";

function decideArgoRollout(rollout: ArgoRollout): RolloutStatus {
  const name = rollout.metadata.name;
  const [phase, message] = argoRolloutPhase(rollout);
  const said = `rollout ${quote(name)}: ${phase}${message ? ` - ${message}` : ""}`;
  switch (phase) {
    case "Healthy":
      return done(`rollout ${quote(name)} is Healthy`);
    case "Degraded":
      return failed(`rollout ${quote(name)} is in a degraded state with message: ${message}`);
    case "Paused": {
      const namespace = rollout.metadata.namespace ? ` -n ${rollout.metadata.namespace}` : "";
      return waiting(
        `${said}: waiting for promotion (kubectl argo rollouts promote ${name}${namespace}); phasegate does not promote`,
      );
    }
    default:
      return waiting(said);
  }
}

/** The plugin's GetRolloutPhase: the controller's phase once the spec is observed, else computed client-side. */
function argoRolloutPhase(rollout: ArgoRollout): [string, string] {
  const { spec, status } = rollout;
  const observed = String(status.observedGeneration ?? "");
  // A hash (Rollouts before v0.10) cannot be compared: treated as observed, as the plugin does.
  const generationObserved = !/^\d+$/.test(observed) || Number(observed) >= rollout.metadata.generation;
  if (!generationObserved) return ["Progressing", "waiting for rollout spec update to be observed"];
  if (status.controllerPause && status.pauseConditions.length === 0) {
    return ["Progressing", "waiting for rollout to unpause"];
  }
  const workloadGeneration = rollout.metadata.annotations[WORKLOAD_GENERATION];
  if (
    spec.templateResolvedFromRef &&
    workloadGeneration !== undefined &&
    status.workloadObservedGeneration !== undefined &&
    Number(status.workloadObservedGeneration) !== Number(workloadGeneration)
  ) {
    return ["Progressing", "waiting for rollout spec update to be observed for the reference workload"];
  }
  if (status.phase) return [status.phase, status.message ?? ""];
  return calculatedPhase(rollout);
}

/** Argo Rollouts' CalculateRolloutPhase, for controllers older than v1.0 that set no status.phase. */
function calculatedPhase({ spec, status }: ArgoRollout): [string, string] {
  for (const condition of status.conditions) {
    if (condition.type === "InvalidSpec") return ["Degraded", `InvalidSpec: ${condition.message ?? ""}`];
    if (condition.reason === "RolloutAborted" || condition.reason === "ProgressDeadlineExceeded") {
      return ["Degraded", `${condition.reason}: ${condition.message ?? ""}`];
    }
  }
  if (spec.paused) return ["Paused", "manually paused"];
  const [pause] = status.pauseConditions;
  if (pause) return ["Paused", pause.reason];
  if (spec.restartAt !== undefined && spec.restartAt !== status.restartedAt) {
    return ["Progressing", "rollout is restarting"];
  }
  if (status.updatedReplicas < (spec.replicas ?? 1))
    return ["Progressing", "more replicas need to be updated"];
  if (status.availableReplicas < status.updatedReplicas) {
    return ["Progressing", "updated replicas are still becoming available"];
  }
  const fullyPromoted = status.stableRS !== "" && status.stableRS === status.currentPodHash;
  const { blueGreen, canary } = spec.strategy;
  if (blueGreen) {
    const active = status.blueGreen.activeSelector;
    if (!active || active !== status.currentPodHash) return ["Progressing", "active service cutover pending"];
    if (!fullyPromoted) {
      const analysis = status.blueGreen.postPromotionAnalysisRunStatus?.status;
      if (blueGreen.postPromotionAnalysis && !ANALYSIS_COMPLETED.has(analysis ?? "")) {
        return ["Progressing", "waiting for analysis to complete"];
      }
      return ["Progressing", "waiting for post-promotion verification to complete"];
    }
  } else if (canary) {
    if (!canary.trafficRouting && status.replicas > status.updatedReplicas) {
      return ["Progressing", "old replicas are pending termination"];
    }
    if (!fullyPromoted) return ["Progressing", "waiting for all steps to complete"];
  }
  return ["Healthy", ""];
}

/** The AnalysisRun phases Argo Rollouts counts as completed. */
const ANALYSIS_COMPLETED = new Set(["Successful", "Failed", "Error", "Inconclusive"]);
