import type { CommandDeployerConfig } from "../config/services-schema.js";
import { commandOutcome, describeFailure, lastLine } from "../domain/run/command-outcome.js";
import type { Deployer, DeployOutcome, DeployRequest } from "../ports/deployer.js";
import type { Executor } from "../ports/executor.js";
import { runCommandHook } from "./command-template.js";

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
    const { argv, execution } = await runCommandHook(
      this.executor,
      this.config,
      this.baseDir,
      { ...request, previousVersion: request.previousVersion ?? null },
      request.rollback ? `rollback-${request.rollback.number}` : "deploy",
      signal,
    );
    if (execution.state === "running")
      throw new Error("the deploy command's executor answered 'running'; command deploys run to the end");
    const outcome = commandOutcome(argv, execution.result);
    if (outcome.exitCode !== 0) throw new Error(`${argv[0]} ${describeFailure(outcome)}`);
    return { message: lastLine(outcome) || `${argv[0]} deployed ${request.version}` };
  }
}
