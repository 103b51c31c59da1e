import type { Freeze, RunningContract } from "../domain/run/contract-hold.js";
import type { Actor, Run, RunEvent } from "../domain/run/run.js";

/** One applied change. `before` is null when the run was just created (`event` is then null too). */
export interface RunChange {
  before: Run | null;
  after: Run;
  event: RunEvent | null;
  actor: Actor;
}

/**
 * Told about every state change of every run (the log notifier writes it to the log, the Slack notifier updates
 * the run's card and replies in its thread). A notifier failure is logged and never undoes the change.
 */
export interface Notifier {
  notify(change: RunChange): Promise<void>;
  /**
   * For a notifier that shows each run as a card (Slack): resolves once the new run's card is posted, or with why
   * it is not (yet) after at most `waitMs`. A run starts its first step only once its card is out.
   */
  cardPosted?(runId: string, waitMs: number): Promise<CardStatus>;
  /** A freeze set or lifted: told to the services it holds (in Slack, their channels). */
  freezeChanged?(change: FreezeChange): Promise<void>;
}

/** `services`: the services the freeze holds (every service for "all"). */
export type FreezeChange =
  /** `running`: the contract steps of the services already running when it was set (they finish). */
  | { kind: "frozen"; freeze: Freeze; services: string[]; running: RunningContract[] }
  | { kind: "unfrozen"; freeze: Freeze; by: string; services: string[] };

export type CardStatus = { posted: true } | { posted: false; reason: string };
