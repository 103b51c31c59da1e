import type { Run } from "../../domain/run/run.js";
import type { Deployer } from "../../ports/deployer.js";
import type { StepOutcome } from "./outcome.js";

export async function runDeployStep(
  run: Run,
  step: number,
  deployer: Deployer,
  signal: AbortSignal,
): Promise<StepOutcome> {
  try {
    const attempt = run.steps[step]?.executions ?? 1;
    const { message } = await deployer.deploy(
      { runId: run.id, service: run.service, version: run.version, attempt },
      signal,
    );
    return { kind: "succeeded", message };
  } catch (error) {
    return { kind: "failed", message: `deploy of ${run.version} failed: ${(error as Error).message}` };
  }
}
