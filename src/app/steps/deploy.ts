import type { Run } from "../../domain/run/run.js";
import type { Deployer } from "../../ports/deployer.js";
import type { StepOutcome } from "./outcome.js";

export async function runDeployStep(run: Run, deployer: Deployer, signal: AbortSignal): Promise<StepOutcome> {
  try {
    const { message } = await deployer.deploy(
      { runId: run.id, service: run.service, version: run.version },
      signal,
    );
    return { kind: "succeeded", message };
  } catch (error) {
    return { kind: "failed", message: `deploy of ${run.version} failed: ${(error as Error).message}` };
  }
}
