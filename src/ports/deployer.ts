import type { CommandOutcome } from "../domain/run/run.js";

export interface DeployRequest {
  runId: string;
  service: string;
  /** The release to deploy: the run's, or during a rollback the release live before the run. */
  version: string;
  /**
   * The release live before this deploy, when phasegate knows it: for a run's deploy, the release live before the
   * run; during a rollback, the run's own release (the one rolled back). Null when not known.
   */
  previousVersion?: string | null;
  /** 1 the first time the deploy runs for this run; more when a worker died during it or the run was retried. */
  attempt: number;
  /**
   * Set when the deploy rolls a run back: the n-th rollback of the run, and what to set back exactly (each
   * Deployment's image as it was before the run) where the deployer recorded it.
   */
  rollback?: { number: number; images?: Record<string, string>; revision?: number };
}

export interface DeployOutcome {
  /** What was done, for the run's thread ("patched web, worker to shop:v42"). */
  message: string;
  /** The commands the deploy ran (helm), with their output, kept with the step. */
  commands?: CommandOutcome[];
}

/** What runs now, before a run's deploy: its version and, where the deployer sets images, each one. */
export interface LiveRelease {
  version: string;
  images?: Record<string, string>;
  /** Helm: the release's revision. */
  revision?: number;
}

/** Which run's rollout to stop: the run's own release, deployed by its deploy step. */
export interface HaltRequest {
  runId: string;
  service: string;
  version: string;
}

/** What stopping the rollout did, workload by workload, for the run's card ("paused deployment web at 1 of 3"). */
export interface HaltOutcome {
  message: string;
  /** The commands the halt ran (a command hook's haltCommand), with their output. */
  commands?: CommandOutcome[];
}

/** Rolls the new code out. Must be idempotent: deploying a version already deployed succeeds without change. */
export interface Deployer {
  deploy(request: DeployRequest, signal?: AbortSignal): Promise<DeployOutcome>;
  /**
   * The release running now, read where it runs (Kubernetes: each listed Deployment's image), or null when none
   * can be read. A deployer without it (a command hook) relies on what phasegate last deployed (ReleaseHistory).
   */
  liveRelease?(service: string, signal?: AbortSignal): Promise<LiveRelease | null>;
  /**
   * Stops the rollout of the run's release where the platform can (a run cancelled while it waits for its
   * rollout): pauses a Deployment, aborts an Argo Rollout, says what it left going. Absent: the deployer cannot
   * stop a rollout, so it goes on. A rollback (a deploy with `rollback`) undoes what it did.
   */
  halt?(request: HaltRequest, signal?: AbortSignal): Promise<HaltOutcome>;
}
