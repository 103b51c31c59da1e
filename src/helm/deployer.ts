import { z } from "zod";
import type { HelmDeployerConfig } from "../config/helm-schema.js";
import { commandOutcome, describeFailure, lastLine } from "../domain/run/command-outcome.js";
import type { CommandOutcome } from "../domain/run/run.js";
import type { Deployer, DeployOutcome, DeployRequest, LiveRelease } from "../ports/deployer.js";
import type { Executor } from "../ports/executor.js";

/** What phasegate reads of `helm status -o json`. */
const statusSchema = z.looseObject({
  version: z.number().int().positive(),
  info: z.looseObject({ status: z.string() }),
  config: z.record(z.string(), z.unknown()).nullish(),
  chart: z.looseObject({ metadata: z.looseObject({ appVersion: z.string().optional() }) }).optional(),
});

const lookup = (values: unknown, dotted: string): unknown =>
  dotted.split(".").reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], values);

/**
 * Deploys with `helm upgrade --reuse-values --set <imageValue>=<version>` (no --wait: the rollout watcher follows
 * the workloads) through the executor phasegate's own commands run with. The revision live before the run is read
 * from `helm status`; a rollback is `helm rollback` to it.
 */
export class HelmDeployer implements Deployer {
  constructor(
    private readonly config: HelmDeployerConfig,
    /** Directory of the services file: a relative chart path is resolved from it. */
    private readonly baseDir: string,
    private readonly executor: Executor,
  ) {}

  async deploy(request: DeployRequest, signal?: AbortSignal): Promise<DeployOutcome> {
    const revision = request.rollback?.revision;
    const argv =
      revision !== undefined
        ? [this.config.command, "rollback", this.config.release, String(revision), ...this.target()]
        : [
            this.config.command,
            "upgrade",
            this.config.release,
            this.config.chart,
            ...this.target(),
            "--reuse-values",
            "--set",
            `${this.config.imageValue}=${request.version}`,
            ...this.config.args,
          ];
    const purpose = request.rollback ? `rollback-${request.rollback.number}` : "deploy";
    const { outcome } = await this.run(argv, `${request.runId}-helm-${purpose}`, request.version, signal);
    const said = lastLine(outcome);
    const done =
      revision !== undefined
        ? `helm rollback ${this.config.release} to revision ${revision}`
        : `helm upgrade ${this.config.release} with ${this.config.imageValue}=${request.version}`;
    return { message: said ? `${done}: ${said}` : done, commands: [outcome] };
  }

  /** The release's revision and version now (the value at imageValue, else the chart's appVersion). */
  async liveRelease(service: string, signal?: AbortSignal): Promise<LiveRelease | null> {
    const argv = [this.config.command, "status", this.config.release, ...this.target(), "-o", "json"];
    const { stdout } = await this.run(argv, `${service}-helm-status-${Date.now()}`, undefined, signal);
    let json: unknown;
    try {
      json = JSON.parse(stdout);
    } catch {
      throw new Error(`helm status ${this.config.release} did not answer JSON: ${stdout.slice(0, 200)}`);
    }
    const status = statusSchema.parse(json);
    const value = lookup(status.config ?? {}, this.config.imageValue);
    const version =
      typeof value === "string" || typeof value === "number"
        ? String(value)
        : status.chart?.metadata.appVersion;
    if (!version) return null;
    return { version, revision: status.version };
  }

  private target(): string[] {
    return [
      "--namespace",
      this.config.namespace,
      ...(this.config.kubeContext ? ["--kube-context", this.config.kubeContext] : []),
    ];
  }

  /** Runs one helm command; a failure throws with what helm said (its "Error: ..." line). */
  private async run(argv: string[], key: string, version: string | undefined, signal?: AbortSignal) {
    const execution = await this.executor.execute(
      {
        key,
        argv,
        cwd: this.baseDir,
        env: this.config.env,
        timeoutMs: this.config.timeoutSeconds * 1000,
        ...(version ? { version } : {}),
      },
      signal,
    );
    if (execution.state === "running")
      throw new Error("the executor answered 'running'; helm runs to the end");
    const outcome: CommandOutcome = commandOutcome(argv, execution.result);
    if (outcome.exitCode !== 0) throw new Error(`helm ${argv[1]} ${describeFailure(outcome)}`);
    return { outcome, stdout: execution.result.stdout };
  }
}
