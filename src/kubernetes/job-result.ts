import type { CommandResult } from "../ports/executor.js";
import type { Job, Pod } from "./resources.js";

export type JobOutcome =
  | { finished: false }
  | { finished: true; succeeded: boolean; timedOut: boolean; reason: string };

const conditionTrue = (job: Job, type: string) =>
  job.status.conditions.find((c) => c.type === type && c.status === "True");

/** Whether the Job has finished, read from its Complete and Failed conditions. */
export function jobOutcome(job: Job): JobOutcome {
  if (conditionTrue(job, "Complete")) return { finished: true, succeeded: true, timedOut: false, reason: "" };
  const failed = conditionTrue(job, "Failed");
  if (!failed) return { finished: false };
  const reason = [failed.reason, failed.message].filter(Boolean).join(": ");
  return { finished: true, succeeded: false, timedOut: failed.reason === "DeadlineExceeded", reason };
}

/** The pod that ran last (with backoffLimit 0, the only one). */
export function latestPod(pods: Pod[]): Pod | undefined {
  return [...pods]
    .sort((a, b) => (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? ""))
    .at(-1);
}

const terminatedState = (pod: Pod | undefined, container: string) =>
  pod?.status.containerStatuses.find((c) => c.name === container)?.state?.terminated;

/** The container's exit code: the terminated state when the pod reports it, else 0 for Complete and 1 for Failed. */
export function exitCodeOf(pod: Pod | undefined, container: string, succeeded: boolean): number {
  return terminatedState(pod, container)?.exitCode ?? (succeeded ? 0 : 1);
}

export const waitingState = (pod: Pod | undefined) =>
  pod?.status.containerStatuses.find((c) => c.state?.waiting)?.state?.waiting;

/** Why a pod has not started ("ImagePullBackOff: …"), if it is waiting. */
export function waitingReason(pod: Pod | undefined): string | undefined {
  const waiting = waitingState(pod);
  return waiting ? [waiting.reason, waiting.message].filter(Boolean).join(": ") : undefined;
}

export function durationMs(job: Job): number {
  const start = Date.parse(job.status.startTime ?? "");
  const end = Date.parse(job.status.completionTime ?? job.status.conditions.at(-1)?.lastTransitionTime ?? "");
  return Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, end - start) : 0;
}

export function commandResult(
  job: Job,
  outcome: JobOutcome & { finished: true },
  pod: Pod | undefined,
  container: string,
  log: string,
): CommandResult {
  // A command that exited on its own said why in its log (the run shows its last line); the Job's reason,
  // BackoffLimitExceeded, would hide it. A deadline or a pod that never ran is only told by the Job.
  const commandSaidWhy =
    outcome.succeeded || (terminatedState(pod, container) !== undefined && !outcome.timedOut);
  return {
    exitCode: exitCodeOf(pod, container, outcome.succeeded),
    signal: null,
    timedOut: outcome.timedOut,
    stdout: log,
    stderr: commandSaidWhy ? "" : `Job ${job.metadata.name} failed: ${outcome.reason}\n`,
    durationMs: durationMs(job),
  };
}
