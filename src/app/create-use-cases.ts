import { noteLogContext } from "../ports/log-context.js";
import type { UseCases } from "../ports/use-cases.js";
import { dropFollowUp } from "./follow-ups.js";
import { freeze, unfreeze } from "./freezes.js";
import { rollBack } from "./rollback.js";
import { approve, cancel, overrideAnalysis, type RunActionDeps, reject, retry } from "./run-actions.js";
import { type StartRunDeps, startRun } from "./start-run.js";

export type UseCaseDeps = StartRunDeps & RunActionDeps;

/** An action on a run: the rest of the request's log lines name the run. */
function noted<T extends { runId: string }>(input: T): T {
  noteLogContext({ runId: input.runId });
  return input;
}

/** The run engine's use cases over its ports; the Slack app, the CLI and the tests call these. */
export function createUseCases(deps: UseCaseDeps): UseCases {
  return {
    startRun: (input) => startRun(deps, input),
    approve: (input) => approve(deps, noted(input)),
    reject: (input) => reject(deps, noted(input)),
    cancel: (input) => cancel(deps, noted(input)),
    retry: (input) => retry(deps, noted(input)),
    rollback: (input) => rollBack(deps, noted(input)),
    overrideAnalysis: (input) => overrideAnalysis(deps, noted(input)),
    status: (runId) => deps.store.get(runId),
    list: (query) => deps.store.list(query),
    audit: async (runId) => ((await deps.store.get(runId)) ? deps.store.audit(runId) : null),
    owed: async (service) => (deps.services.services[service] ? deps.followUps.owed(service) : null),
    dropFollowUp: (input) => dropFollowUp(deps, input),
    freeze: (input) => freeze(deps, input),
    unfreeze: (input) => unfreeze(deps, input),
    freezes: () => deps.freezes.list(),
    freezeAudit: (limit) => deps.freezes.audit(limit),
  };
}
