import type { CommandDeployerConfig } from "../config/services-schema.js";
import { commandOutcome, describeFailure, lastLine } from "../domain/run/command-outcome.js";
import type { CommandOutcome } from "../domain/run/run.js";
import type { Deployer, DeployOutcome, DeployRequest, HaltOutcome, HaltRequest } from "../ports/deployer.js";
import type { Executor } from "../ports/executor.js";
import { runCommandHook, type TemplateValues } from "./command-template.js";

/** Deploys by running a command (argv template, no shell); exit code 0 is success. The command must be idempotent. */
export class CommandDeployer implements Deployer {
  constructor(
    private readonly config: CommandDeployerConfig,
    /** Directory of the services file: `cwd` is relative to it. */
    private readonly baseDir: string,
    private readonly executor: Executor,
  ) {}

  /**
   * `{version}` is the release to deploy and `{previousVersion}` the one live before (a rollback runs the hook
   * with the release rolled back to as `{version}`, and the run's own as `{previousVersion}`).
   */
  async deploy(request: DeployRequest, signal?: AbortSignal): Promise<DeployOutcome> {
    const outcome = await this.run(
      this.config.command,
      { ...request, previousVersion: request.previousVersion ?? null },
      request.rollback ? `rollback-${request.rollback.number}` : "deploy",
      signal,
    );
    return { message: lastLine(outcome) || `${outcome.argv[0]} deployed ${request.version}` };
  }

  /** Runs `haltCommand` when the services file sets one; without it, the rollout goes on. */
  async halt(request: HaltRequest, signal?: AbortSignal): Promise<HaltOutcome> {
    const { haltCommand } = this.config;
    if (!haltCommand)
      return {
        message: "the deploy command has no haltCommand in the services file, so the rollout goes on",
      };
    const outcome = await this.run(haltCommand, request, "halt", signal);
    const said = lastLine(outcome) || `${outcome.argv[0]} stopped the rollout of ${request.version}`;
    return { message: said, commands: [outcome] };
  }

  /** Runs one hook to its end; a non-zero exit throws with what it said. */
  private async run(
    command: string[],
    values: TemplateValues,
    purpose: string,
    signal?: AbortSignal,
  ): Promise<CommandOutcome> {
    const hook = { ...this.config, command };
    const { argv, execution } = await runCommandHook(
      this.executor,
      hook,
      this.baseDir,
      values,
      purpose,
      signal,
    );
    if (execution.state === "running")
      throw new Error(`the ${purpose} command's executor answered 'running'; command hooks run to the end`);
    const outcome = commandOutcome(argv, execution.result);
    if (outcome.exitCode !== 0) throw new Error(`${argv[0]} ${describeFailure(outcome)}`);
    return outcome;
  }
}
