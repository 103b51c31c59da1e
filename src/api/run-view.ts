import type { ServiceConfig } from "../config/services-schema.js";
import { pipelineOf } from "../domain/run/pipeline-requester.js";
import type { Run } from "../domain/run/run.js";
import type { PipelineDeploy } from "../ports/pipeline-store.js";

/**
 * Pipeline mode: "pending" until the expand phase is done, "ready" while phasegate waits for the pipeline's deploy,
 * "deployed" once it was reported or seen. Null when phasegate deploys the service itself.
 */
export type DeployState = "pending" | "ready" | "deployed" | null;

function deployState(
  run: Run,
  config: ServiceConfig | undefined,
  reported: PipelineDeploy | null,
): DeployState {
  if (config?.deployer.kind !== "external") return null;
  const stateOf = (kind: string) =>
    run.steps[run.plan.steps.find((s) => s.kind === kind)?.index ?? -1]?.status;
  if (reported || stateOf("wait-rollout") === "succeeded") return "deployed";
  return stateOf("deploy") === "succeeded" ? "ready" : "pending";
}

/** What GET /api/v1/runs/{id} answers: the run's status, steps and gates, for a pipeline to follow. */
export function runView(run: Run, config: ServiceConfig | undefined, reported: PipelineDeploy | null) {
  const waitingAt = run.status === "awaiting-approval" ? run.plan.steps[run.currentStep] : undefined;
  return {
    id: run.id,
    service: run.service,
    version: run.version,
    status: run.status,
    startedBy: pipelineOf(run.requester) === null ? run.requester : `pipeline ${pipelineOf(run.requester)}`,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    outcome: run.outcome,
    currentStep: run.currentStep,
    deploy: deployState(run, config, reported),
    deployedBy: reported ? `pipeline ${reported.by}` : null,
    gate: waitingAt?.kind === "approval" ? waitingAt.gate : null,
    steps: run.plan.steps.map((step) => {
      const state = run.steps[step.index];
      return {
        index: step.index,
        kind: step.kind,
        phase: step.phase,
        title: step.title,
        status: state?.status ?? "pending",
        message: state?.message ?? null,
        startedAt: state?.startedAt ?? null,
        finishedAt: state?.finishedAt ?? null,
      };
    }),
    gates: run.plan.steps.flatMap((step) =>
      step.kind === "approval"
        ? [
            {
              id: step.gate,
              status: run.steps[step.index]?.status ?? "pending",
              decisions: run.gates
                .filter((g) => g.gate === step.gate)
                .map((g) => ({ decision: g.decision, by: g.by, at: g.at, reason: g.reason })),
            },
          ]
        : [],
    ),
  };
}

export type RunView = ReturnType<typeof runView>;
