import type { Run } from "../../domain/run/run.js";
import type { Deployer, DeployRequest } from "../../ports/deployer.js";
import type { StepOutcome } from "./outcome.js";

export type DeployOutcome = Extract<StepOutcome, { kind: "succeeded" | "failed" }>;

/** Runs the deployer once: what it did, or why it failed (a run's deploy step and a rollback alike). */
export async function deployRelease(
  deployer: Deployer,
  request: DeployRequest,
  signal?: AbortSignal,
): Promise<DeployOutcome> {
  try {
    const { message, commands } = await deployer.deploy(request, signal);
    return { kind: "succeeded", message, ...(commands ? { commands } : {}) };
  } catch (error) {
    return { kind: "failed", message: `deploy of ${request.version} failed: ${(error as Error).message}` };
  }
}

export function runDeployStep(
  run: Run,
  step: number,
  deployer: Deployer,
  signal: AbortSignal,
): Promise<DeployOutcome> {
  const attempt = run.steps[step]?.executions ?? 1;
  const previousVersion = run.previousRelease?.version ?? null;
  return deployRelease(
    deployer,
    { runId: run.id, service: run.service, version: run.version, previousVersion, attempt },
    signal,
  );
}
