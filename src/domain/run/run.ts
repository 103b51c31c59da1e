import type { PhaseFacts } from "../locks/live-facts.js";
import type { Plan } from "../plan/plan.js";
import type { AnalysisProgress } from "./analysis.js";
import type { Freeze } from "./freeze.js";

/**
 * A run: one release of one service going through its plan, step by step.
 * Every change goes through `applyRunEvent` (run-reducer.ts); the store saves it with compare-and-set on `revision`.
 */

export type StepStatus = "pending" | "running" | "waiting" | "succeeded" | "failed" | "skipped" | "cancelled";

export type RunStatus =
  | "running"
  | "waiting-rollout"
  | "awaiting-approval"
  /** Cancel asked while a step's process runs; the worker stops it, then the run is cancelled. */
  | "cancelling"
  | "succeeded"
  | "failed"
  | "cancelled"
  | "rejected";

export const TERMINAL_STATUSES: readonly RunStatus[] = ["succeeded", "failed", "cancelled", "rejected"];

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** What a command (migrate, deploy) answered, kept with its step. */
export interface CommandOutcome {
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** The last lines of its output. */
  stdoutTail: string;
  stderrTail: string;
  durationMs: number;
}

export interface StepState {
  index: number;
  status: StepStatus;
  /** How many times the step was started (a retry starts it again). */
  attempts: number;
  /** ISO times. */
  startedAt: string | null;
  finishedAt: string | null;
  /** Last word about the step: rollout progress, deploy message, why it failed. */
  message: string | null;
  /** Commands the step ran, in order (one per migrate target). */
  commands: CommandOutcome[];
  /** Progress reports so far: rollout polls, migrate tries that hit the lock timeout, backfill batches. */
  polls: number;
  /**
   * Times a worker began the step's work, over every attempt: the start, each take-over after a worker died in
   * the middle of it. The deploy hook gets it as {attempt}.
   */
  executions: number;
  /** An analysis step's latest evaluation and soak (src/domain/run/analysis.ts). */
  analysis?: AnalysisProgress;
}

export interface GateDecision {
  gate: string;
  stepIndex: number;
  decision: "approved" | "rejected";
  by: string;
  at: string;
  reason: string | null;
  /** The user group this approval counted for, when the gate needs approvals from different groups. */
  group: string | null;
  /** The gate step's attempt it was given in: a retried run opens the gate again, and earlier ones do not count. */
  attempt: number;
}

/** How many distinct approvers a gate needs, and from which user groups (one approval per group), if any. */
export interface ApprovalRule {
  approvals: number;
  fromGroups: string[];
}

/** Where the run's Slack card lives, so any replica can update it in place. */
export interface NotificationRef {
  channel: string;
  ts: string;
}

/** Who made a change: a user (Slack user id) or phasegate itself (the worker, a timer). */
export interface Actor {
  kind: "user" | "system";
  id: string;
}

export const SYSTEM_ACTOR: Actor = { kind: "system", id: "phasegate" };

/** The release that was live before a run, recorded when the run is created: what a rollback of its deploy goes back to. */
export interface PreviousRelease {
  version: string;
  /** Kubernetes: each listed Deployment's image before the run; a rollback sets exactly these back. */
  images?: Record<string, string>;
  /** Helm: the release's revision before the run; a rollback is `helm rollback <release> <revision>`. */
  revision?: number;
  /**
   * How phasegate knows it: read from the Deployments before the run ("deployments"), or the release phasegate
   * last deployed of the service ("last-deploy").
   */
  source: "deployments" | "last-deploy";
}

/**
 * A rollback of the run's deploy: queued, deploying the previous release, waiting for its rollout, then done or
 * failed (an approver may start a failed one again).
 */
export interface RollbackState {
  status: "running" | "succeeded" | "failed";
  phase: "queued" | "deploying" | "waiting-rollout";
  /** Who started it (the latest start), and when. */
  by: string;
  at: string;
  toVersion: string;
  /** Last word about it: the deploy's answer, the rollout's progress, why it failed. */
  message: string | null;
  /** Times it was started (a failed one started again counts): part of its job id. */
  attempts: number;
  /** Times a worker began its deploy, over every start (a take-over after a worker died counts). */
  executions: number;
  /** When the wait for the rollout began (its deadline counts from there). */
  waitingSince: string | null;
  finishedAt: string | null;
}

export interface Run {
  /** `<service>-<generation>-<n>` (see runIdOf): never repeats for a service, even after Redis lost its data. */
  id: string;
  service: string;
  /** Release being rolled out (image tag, git sha…). */
  version: string;
  /** Slack user id (or CLI user) who started the run. */
  requester: string;
  createdAt: string;
  updatedAt: string;
  plan: Plan;
  steps: StepState[];
  /** Index of the step the run is at; equals steps.length once every step succeeded. */
  currentStep: number;
  gates: GateDecision[];
  status: RunStatus;
  /** The requester cannot approve their own run (captured from the service config at start). */
  fourEyes: boolean;
  /** Per gate id, what opens it (captured from the service config at start); absent: one approval. */
  approvalRules: Record<string, ApprovalRule>;
  /** Why the run failed, was cancelled or rejected. */
  outcome: string | null;
  /** Times the run was retried; part of step job ids so a retried step can be queued again. */
  retries: number;
  notification: NotificationRef | null;
  /**
   * An unguessable token per approval gate, made when the run is created: a gate's buttons carry it, so a button
   * of another run (an older one of the same id, after Redis lost its data) never decides this run's gate.
   */
  gateTokens: Record<string, string>;
  /** Where each gate's approval message was posted: a click counts only from that message. */
  gateMessages: Record<string, NotificationRef>;
  /** Follow-ups of multi-release recipes: what the run settles, what it leaves owed and what it owes next. */
  followUps?: RunFollowUps;
  /** The release live before the run (null: not known, so its deploy can only be rolled back by hand). */
  previousRelease: PreviousRelease | null;
  /** The unguessable token of the card's "Roll back the deploy" button (null for runs stored before it existed). */
  rollbackToken: string | null;
  /** The rollback of the run's deploy, once one was started. */
  rollback: RollbackState | null;
  /** The freeze holding the run's service while the run is active (its contract steps wait), or null. */
  frozen: Freeze | null;
  /** Per gate, the live facts about the database read for the phase after it, as its gate opened. */
  liveFacts?: Record<string, PhaseFacts>;
  /** Bumped by every saved change; the store refuses a save made from an older revision. */
  revision: number;
}

/**
 * A worker's report carries `execution`, the step's (or rollback's) execution it comes from: it counts only while
 * that execution owns the step (see attempt.ts). Absent on what no worker attempt sends (a cancel, a gate's expiry).
 */
export type RunEvent =
  | { type: "step-started"; step: number }
  | {
      type: "step-succeeded";
      step: number;
      message?: string;
      commands?: CommandOutcome[];
      analysis?: AnalysisProgress;
      execution?: number;
    }
  | {
      type: "step-failed";
      step: number;
      message: string;
      commands?: CommandOutcome[];
      analysis?: AnalysisProgress;
      execution?: number;
    }
  | { type: "rollout-progress"; step: number; message: string; execution?: number }
  /**
   * A running step reports progress (a migrate try that hit the lock timeout, a backfill batch) and goes on later;
   * `announce: false` is recorded on the run but not posted in the Slack thread.
   */
  | {
      type: "step-progress";
      step: number;
      message: string;
      announce?: boolean;
      analysis?: AnalysisProgress;
      execution?: number;
      /** false: a wait (for a blocking session) that is not one of the step's tries (`polls`). */
      counted?: boolean;
    }
  /** The run is ready for the step, but it may not start yet (a freeze, outside the change windows): it waits. */
  | { type: "step-held"; step: number; message: string }
  /** The worker running the step died (or lost it); another one runs it again, after finding what the first did. */
  | { type: "step-taken-over"; step: number; message: string }
  /** `groups`: the user groups among the gate's `fromGroups` the approver belongs to, looked up at click time. */
  | { type: "approval-granted"; gate: string; by: string; groups?: string[] }
  | { type: "approval-rejected"; gate: string; by: string; reason?: string }
  | { type: "cancelled"; by: string; reason?: string }
  /** A step's deadline passed: an approval left open too long, a rollout that never finished. */
  | { type: "timed-out"; step: number; message: string; analysis?: AnalysisProgress; execution?: number }
  /**
   * An admin lets the run past its analysis step (waiting, or failed with the run), saying why: the step succeeds
   * and the approval is offered.
   */
  | { type: "analysis-overridden"; step: number; by: string; reason: string }
  | { type: "retried"; by: string }
  | { type: "notification-attached"; notification: NotificationRef }
  | { type: "gate-message-attached"; gate: string; message: NotificationRef }
  /** An admin froze (or unfroze) the run's service while it is active: the freeze holding it now, or null. */
  | { type: "freeze-noted"; freeze: Freeze | null }
  /** The live facts for the phase after a gate, read as it opens (shown in its approval message). */
  | { type: "live-facts-noted"; gate: string; facts: PhaseFacts }
  | RollbackEvent;

/** The only events a failed, rejected or cancelled run still takes: the rollback of its deploy (src/domain/run/rollback-reducer.ts). */
export type RollbackEvent =
  | { type: "rollback-started"; by: string; toVersion: string }
  /** A worker begins the rollback's deploy; `message` says why when it runs it again (its worker died). */
  | { type: "rollback-deploying"; message?: string }
  | { type: "rollback-deployed"; message: string; execution?: number }
  | { type: "rollback-progress"; message: string; execution?: number }
  | { type: "rollback-succeeded"; message: string; execution?: number }
  | { type: "rollback-failed"; message: string; execution?: number };

export type RunEventType = RunEvent["type"];

/** A rejection's reason is shown on the card, in the thread and the gate message: it must fit all of them. */
export const MAX_REASON_CHARS = 500;

export type TransitionResult = { ok: true; run: Run } | { ok: false; reason: string };

/** The pure state machine: `(run, event, now) => next run or the reason the event is refused`. */
export type RunReducer = (run: Run, event: RunEvent, now: string) => TransitionResult;

/** Lines like "inventory.0004_stock_warehouse_not_null (contract), owed from shop v41". */
export interface RunFollowUps {
  settles: string[];
  missing: string[];
  owes: string[];
}

export interface NewRun {
  id: string;
  service: string;
  version: string;
  requester: string;
  plan: Plan;
  fourEyes: boolean;
  /** Gate id → its buttons' token (random, made outside the domain). */
  gateTokens: Record<string, string>;
  approvalRules?: Record<string, ApprovalRule>;
  now: string;
  followUps?: RunFollowUps;
  previousRelease?: PreviousRelease | null;
  /** The rollback button's token (random, made outside the domain). */
  rollbackToken?: string | null;
}
