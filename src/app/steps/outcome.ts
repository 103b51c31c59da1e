import type { CommandOutcome } from "../../domain/run.js";

/** What running (or polling) a step once came to. `later`: ask again after `delayMs`, holding nothing. */
export type StepOutcome =
  | { kind: "succeeded"; message: string; commands?: CommandOutcome[] }
  | { kind: "failed"; message: string; commands?: CommandOutcome[] }
  | { kind: "timed-out"; message: string }
  | { kind: "later"; delayMs: number; progress: string | null }
  /** This try failed in a way that changed nothing (a lock timeout): report `message`, try again after `delayMs`. */
  | { kind: "retry"; delayMs: number; message: string };
