import type { FinishedCommand } from "../domain/run/command-outcome.js";

/** A command to run where the service's Django project lives: a local process or a Kubernetes Job. */
export interface CommandRequest {
  /** Stable identity of this execution (e.g. run id, step, attempt): remote adapters find an execution they already started by it. */
  key: string;
  /** The run the command belongs to: a local executor records its process under it (see attempt-processes.ts). */
  runId?: string;
  argv: string[];
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs: number;
  /** The release the command belongs to (remote adapters run it in that release's image). */
  version?: string;
}

/** How a command ended, with its output (the domain keeps its tails with the step). */
export type CommandResult = FinishedCommand;

export type Execution = { state: "running"; message: string } | { state: "finished"; result: CommandResult };

export interface Executor {
  /**
   * Runs the command, or reports on the execution already started under `request.key`.
   * A local process runs to the end and answers `finished`; a remote adapter may answer `running`,
   * and the caller asks again later with the same key instead of holding a slot while it waits.
   */
  execute(request: CommandRequest, signal?: AbortSignal): Promise<Execution>;
}
