import { waitingReason, waitingState } from "./job-result.js";
import type { Pod } from "./resources.js";

/**
 * Reasons the kubelet keeps retrying that seldom fix themselves while a run waits: the release image is not in
 * the registry or its name is wrong, or a Secret or ConfigMap the container needs does not exist.
 */
const cannotStart = new Set([
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "ErrImageNeverPull",
  "CreateContainerConfigError",
  "CreateContainerError",
]);

/** Why the pod cannot start, once it has been trying for `timeoutMs`; undefined while it may still start. */
export function startFailure(pod: Pod | undefined, nowMs: number, timeoutMs: number): string | undefined {
  const reason = waitingState(pod)?.reason;
  if (!pod || !reason || !cannotStart.has(reason)) return undefined;
  const created = Date.parse(pod.metadata.creationTimestamp ?? "");
  if (!Number.isFinite(created) || nowMs - created < timeoutMs) return undefined;
  return waitingReason(pod);
}
