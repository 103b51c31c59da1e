/**
 * The processes a run's step (or rollback) started on this or another machine, recorded while they run so that a
 * worker taking the step over waits until the earlier attempt's processes are gone before it starts its own.
 */
export interface AttemptProcess {
  runId: string;
  /** The command's execution key (which step, which command). */
  key: string;
  /** The machine it runs on: hostname and kernel boot id (a pid means nothing on another machine or boot). */
  host: string;
  /** Its process group (the guard's pid): everything the command started. */
  pid: number;
  /** When the worker that started it would have stopped it (its timeout), ms since the epoch. */
  deadlineMs: number;
}

export interface ProcessLedger {
  record(process: AttemptProcess): Promise<void>;
  forget(process: AttemptProcess): Promise<void>;
  list(runId: string): Promise<AttemptProcess[]>;
}

/** What became of the processes an earlier attempt of a run's step left (for the run's thread). */
export type EarlierProcesses =
  /** Nothing of it was running any more (it ended, or died with its worker). */
  | { kind: "none" }
  /** Still running: waited until it ended by itself. */
  | { kind: "ended"; waitedMs: number }
  /** Still running past its timeout: its process group was killed (as its own worker would have done). */
  | { kind: "killed"; waitedMs: number }
  /** On another machine, out of sight: waited until its timeout had passed. */
  | { kind: "elsewhere"; host: string; waitedMs: number };

export interface AttemptProcesses {
  /** Resolves once no process an earlier attempt of the run started is left (waiting, or killing past its timeout). */
  awaitGone(runId: string): Promise<EarlierProcesses>;
}
