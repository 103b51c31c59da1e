import type { StepFacts } from "../domain/locks/live-facts.js";
import type { FollowUpReport, OwedFollowUp } from "../domain/plan/follow-up-report.js";
import type { Plan, Refusal } from "../domain/plan/plan.js";
import type { Freeze, RunningContract } from "../domain/run/contract-hold.js";
import type { Run } from "../domain/run/run.js";
import type { FreezeAuditEntry } from "./freeze-store.js";
import type { AuditEntry, ListQuery } from "./run-store.js";

export interface StartRunInput {
  service: string;
  version: string;
  /** Slack user id (or CLI user name) of the person starting the run. */
  requester: string;
  /** Plan only: introspect and plan, store nothing, queue nothing. */
  dryRun?: boolean;
  /**
   * Told when the introspection has to wait for a free slot: how many plans are ahead of this one and how many
   * run at once. It must not throw.
   */
  onQueued?: (ahead: number, limit: number) => void;
}

export type StartRefusalCode =
  | "unknown-service"
  | "not-allowed"
  | "active-run"
  | "plan-refused"
  | "introspection-failed"
  /** Another start of the same service is being planned in this process right now. */
  | "start-in-progress"
  /** Too many plans are waiting for an introspection slot. */
  | "busy"
  /** The service (or every service) is frozen by an admin. */
  | "frozen";

export type StartRunResult =
  | {
      ok: true;
      dryRun: false;
      run: Run;
      /** Why the run's card is not posted yet (Slack refused it): the run waits for it before its first step. */
      cardProblem?: string;
      followUps: FollowUpReport;
    }
  | {
      ok: true;
      dryRun: true;
      plan: Plan;
      followUps: FollowUpReport;
      /** What holds the run or its contract phase back now: a freeze, the change windows (contractOutlook). */
      outlook: string[];
      /** Live facts about the database before each migrate step (src/app/live-facts.ts). */
      liveFacts: StepFacts[];
    }
  | {
      ok: false;
      code: StartRefusalCode;
      /** What went wrong and what to do, ready to show to the user. */
      message: string;
      /** plan-refused: every reason, with its recipe. */
      refusals?: Refusal[];
      /** active-run: the run holding the service. */
      activeRunId?: string;
      /** plan-refused: what is owed from earlier releases, and whether this one has it. */
      followUps?: FollowUpReport;
    };

export interface DropFollowUpInput {
  service: string;
  /** "app.migration" */
  migration: { app: string; name: string };
  user: string;
  reason: string;
}

export type DropFollowUpResult =
  | { ok: true; dropped: OwedFollowUp }
  | { ok: false; code: "not-found" | "not-allowed"; message: string };

export type ActionRefusalCode =
  | "not-found"
  | "not-allowed"
  | "refused"
  | "active-run"
  /** A click whose button was not posted for this run's gate, or not from the gate's message. */
  | "wrong-button";

export type ActionResult =
  | { ok: true; run: Run }
  | { ok: false; code: ActionRefusalCode; message: string; run?: Run };

/** Where a click came from: the token its button carried, the channel and message it was clicked in. */
export interface ButtonOrigin {
  token: string;
  channel: string;
  messageTs: string;
}

export interface GateInput {
  runId: string;
  /** Gate id ("contract"); the gate the run is waiting at when absent. */
  gate?: string;
  user: string;
  /** A Slack click: it counts only with the gate's token, from the gate's approval message. */
  button?: ButtonOrigin;
}

export interface FreezeInput {
  /** A service name, or "all". */
  scope: string;
  user: string;
}

export type FreezeResult =
  /** `running`: the contract steps already running when the freeze was set (they finish); none for an unfreeze. */
  | { ok: true; freeze: Freeze; running: RunningContract[] }
  | { ok: false; code: "not-found" | "not-allowed" | "already-frozen" | "not-frozen"; message: string };

export interface RollbackInput {
  runId: string;
  user: string;
  /** A click on the card's button: it counts only with the run's rollback token, from the run's card. */
  button?: ButtonOrigin;
}

/** What the Slack app, the CLI and the workers do with runs. Every change reaches the Notifier. */
export interface UseCases {
  startRun(input: StartRunInput): Promise<StartRunResult>;
  approve(input: GateInput): Promise<ActionResult>;
  reject(input: GateInput & { reason?: string }): Promise<ActionResult>;
  /** Stops the run after (or by aborting) the current step; nothing after it runs. */
  cancel(input: { runId: string; user: string; reason?: string }): Promise<ActionResult>;
  /** Starts a failed run again from its failed step (takes the service lock again). */
  retry(input: { runId: string; user: string }): Promise<ActionResult>;
  /**
   * An approver rolls back the deploy of a failed, rejected or cancelled run: the release live before it is deployed again
   * and its rollout awaited, by the workers. Migrations are not rolled back.
   */
  rollback(input: RollbackInput): Promise<ActionResult>;
  /** An admin of the service lets the run past its analysis step (waiting, or failed by it), saying why. Audited. */
  overrideAnalysis(input: { runId: string; user: string; reason: string }): Promise<ActionResult>;
  status(runId: string): Promise<Run | null>;
  list(query?: ListQuery): Promise<Run[]>;
  /** Null when the run does not exist. */
  audit(runId: string): Promise<AuditEntry[] | null>;
  /** What the service's next releases still owe; null for an unknown service. */
  owed(service: string): Promise<OwedFollowUp[] | null>;
  /** An approver forgets a follow-up, with a reason recorded in the audit of the run that owed it. */
  dropFollowUp(input: DropFollowUpInput): Promise<DropFollowUpResult>;
  /** An admin freezes a service (or all): no run and no contract step starts until unfrozen. Audited. */
  freeze(input: FreezeInput & { reason: string }): Promise<FreezeResult>;
  /** An admin lifts a freeze; the contract steps it held start. Audited. */
  unfreeze(input: FreezeInput): Promise<FreezeResult>;
  freezes(): Promise<Freeze[]>;
  /** The newest freezes and unfreezes, done or refused, first. */
  freezeAudit(limit: number): Promise<FreezeAuditEntry[]>;
}
