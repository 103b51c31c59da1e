import type { ReplicaCounters } from "../src/fleet/replica-counters.js";

/** What one scenario measured: every replica's counters and where the time went. */
export interface ScenarioResult {
  scenario: string;
  counters: ReplicaCounters[];
  /** From the first schema change to the end of the last rollout (or of the run). */
  wallMs: number;
  /** Time the rolling deploys themselves took (the replicas being replaced one by one). */
  rolloutMs: number | null;
  /** Time phasegate's wait-rollout steps waited; null when phasegate did not run. */
  rolloutWaitMs: number | null;
  /** Time the run waited at its approval gate. */
  approvalWaitMs: number | null;
  /** Run time not spent in Django's migrate, the deploy hook, the rollout wait or the approval wait. */
  overheadMs: number | null;
}
