import type { RolloutStatus } from "../ports/rollout-watcher.js";
import type { Application } from "./application.js";

/** Whether what Argo CD reports concerns the change phasegate made (decided by the watcher, per mode). */
export interface ChangeSeen {
  /** status.sync compares against a source or revision that has the change. */
  compared: boolean;
  /** The last sync operation was of a source or revision that has the change. */
  operated: boolean;
  /** What the change is, for the messages ("v2", "revision 1a2b3c4d5e6f"). */
  change: string;
  /** Git mode: a revision Argo CD reports that is no full commit id (a branch or tag name), never taken for one. */
  notCommit?: string;
}

const waiting = (message: string): RolloutStatus => ({ done: false, failed: false, message });
const failed = (message: string): RolloutStatus => ({ done: false, failed: true, message });

/**
 * Argo CD's verdict on one Application after phasegate changed it: done when Synced to the change and Healthy;
 * failed when the sync of the change failed or the Application is Degraded once Synced to it; waiting otherwise (OutOfSync,
 * Progressing, Suspended, Missing, or still compared with what ran before). A failure from before the change does
 * not count: the deadline covers an Application that never takes the change.
 */
export function applicationRolloutStatus(app: Application, seen: ChangeSeen): RolloutStatus {
  const name = app.metadata.name;
  const { sync, health, operationState } = app.status;
  const phase = operationState?.phase;
  if (seen.operated && (phase === "Failed" || phase === "Error"))
    return failed(
      `Argo CD's sync of ${name} to ${seen.change} ${phase === "Error" ? "errored" : "failed"}: ${operationState?.message ?? "no message"}`,
    );
  if (!seen.compared && seen.notCommit !== undefined)
    return waiting(
      `Argo CD reports ${name} at ${JSON.stringify(seen.notCommit.slice(0, 80))}, not a full commit id (a branch or tag name?): still waiting for ${seen.change}`,
    );
  if (!seen.compared)
    return waiting(`Argo CD has not compared ${name} with ${seen.change} yet (${sync?.status ?? "Unknown"})`);
  const healthStatus = health?.status ?? "Unknown";
  // Health is the live state's: until the change is synced, a Degraded is what ran before (a rollback's revert
  // compared but not applied yet still shows the failed release's Degraded).
  if (sync?.status !== "Synced")
    return waiting(
      `${name} is ${sync?.status ?? "Unknown"} at ${seen.change}, waiting for the sync${healthStatus === "Degraded" ? " (Degraded before it)" : ""}`,
    );
  if (healthStatus === "Degraded")
    return failed(
      `Argo CD reports ${name} Degraded at ${seen.change}${health?.message ? `: ${health.message}` : ""}`,
    );
  if (phase === "Running" || phase === "Terminating") return waiting(`Argo CD's sync of ${name} is ${phase}`);
  if (healthStatus === "Healthy")
    return { done: true, failed: false, message: `${name} is Synced to ${seen.change} and Healthy` };
  const said = health?.message ? `: ${health.message}` : "";
  if (healthStatus === "Suspended")
    return waiting(`${name} is Synced to ${seen.change} but Suspended (waiting to be resumed)${said}`);
  return waiting(`${name} is Synced to ${seen.change}, health ${healthStatus}${said}`);
}
