import type { CommandRolloutConfig } from "../config/services-schema.js";
import { commandOutcome, describeFailure, lastLine } from "../domain/run/command-outcome.js";
import type { Executor } from "../ports/executor.js";
import type { RolloutRequest, RolloutStatus, RolloutWatcher } from "../ports/rollout-watcher.js";
import { runCommandHook } from "./command-template.js";

/** Asks a command whether the rollout is done: exit 0 done, `notYetExitCode` not yet, anything else failed. */
export class CommandRolloutWatcher implements RolloutWatcher {
  constructor(
    private readonly config: CommandRolloutConfig,
    private readonly baseDir: string,
    private readonly executor: Executor,
  ) {}

  async check(request: RolloutRequest, signal?: AbortSignal): Promise<RolloutStatus> {
    const { argv, execution } = await runCommandHook(
      this.executor,
      this.config,
      this.baseDir,
      request,
      "rollout",
      signal,
    );
    if (execution.state === "running") return { done: false, failed: false, message: execution.message };
    const outcome = commandOutcome(argv, execution.result);
    const said = lastLine(outcome);
    if (outcome.exitCode === 0) return { done: true, failed: false, message: said || "rollout finished" };
    if (outcome.exitCode === this.config.notYetExitCode)
      return { done: false, failed: false, message: said || "rollout not finished yet" };
    return { done: false, failed: true, message: `${argv[0]} ${describeFailure(outcome)}` };
  }
}
