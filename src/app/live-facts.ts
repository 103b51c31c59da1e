import {
  conflictingLockNames,
  type PhaseFacts,
  type RewriteRate,
  type StepFacts,
} from "../domain/locks/live-facts.js";
import { phaseFacts } from "../domain/locks/phase-facts.js";
import { operationsOf, tableWork } from "../domain/locks/table-work.js";
import type { MigrateStep, Plan } from "../domain/plan/plan.js";
import type { Run } from "../domain/run/run.js";
import { SYSTEM_ACTOR } from "../domain/run/run.js";
import type { Logger } from "../ports/logger.js";
import type { RewriteRates } from "../ports/rewrite-rates.js";
import type { ServiceAdapters } from "../ports/service-adapters.js";
import { type TransitionDeps, transition } from "./transition.js";

export interface LiveFactsDeps {
  rewriteRates: RewriteRates;
  logger: Logger;
  now: () => Date;
}

const MB = 1_000_000;

/** The rate measured on the service's database, else the configured one. */
async function rateFor(deps: LiveFactsDeps, adapters: FactsAdapters, service: string): Promise<RewriteRate> {
  const measured = await deps.rewriteRates.measured(service).catch(() => null);
  if (measured) return measured;
  const configured = adapters.liveFacts.config.rewriteMbPerSecond * MB;
  return { bytesPerSecond: configured, source: "configured", measuredAt: null };
}

/** What reading the facts needs of a service's adapters. */
export type FactsAdapters = Pick<ServiceAdapters, "liveFacts">;

/** What phasegate knows about a run, enough to read the facts of one of its migrate steps. */
type RunPart = Pick<Run, "id" | "service" | "version" | "plan">;

/**
 * The live facts for the tables a migrate step locks, read now through the service's executor. Never throws: a
 * failing, slow or disabled read comes back as `unavailable`, and the run goes on without it.
 */
export async function readStepFacts(
  deps: LiveFactsDeps,
  adapters: FactsAdapters,
  run: RunPart,
  step: MigrateStep,
  signal?: AbortSignal,
): Promise<PhaseFacts> {
  const at = deps.now();
  const { config } = adapters.liveFacts;
  if (!config.enabled)
    return { ok: false, gatheredAt: at.toISOString(), unavailable: "turned off (liveFacts.enabled)" };
  const work = tableWork(operationsOf(run.plan.operations, step.migrations)).slice(0, config.maxTables);
  try {
    const facts = await adapters.liveFacts.read({
      tables: work.map((w) => ({ name: w.table, conflicts: conflictingLockNames(w.mode) })),
      key: `${run.id}-facts-s${step.index}-${at.getTime()}`,
      version: run.version,
      signal,
    });
    const rate = await rateFor(deps, adapters, run.service);
    return phaseFacts(work, facts, rate, at.toISOString(), config.idleInTransactionSeconds);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    deps.logger.warn({ runId: run.id, step: step.index, reason }, "live facts unavailable");
    return { ok: false, gatheredAt: at.toISOString(), unavailable: reason };
  }
}

/**
 * Before a gate opens after step `index`: reads the facts of the migrate step it guards and notes them on the
 * run, so that its approval message shows them.
 */
export async function noteGateFacts(
  deps: LiveFactsDeps & TransitionDeps,
  adapters: ServiceAdapters,
  run: Run,
  index: number,
): Promise<void> {
  const gate = run.plan.steps[index + 1];
  const guarded = run.plan.steps[index + 2];
  if (gate?.kind !== "approval" || guarded?.kind !== "migrate") return;
  const facts = await readStepFacts(deps, adapters, run, guarded);
  await transition(deps, run.id, { type: "live-facts-noted", gate: gate.gate, facts }, SYSTEM_ACTOR);
}

/** The plan preview's facts: those of each migrate step, read one after the other (each bounded). */
export async function planFacts(
  deps: LiveFactsDeps,
  adapters: FactsAdapters,
  release: { service: string; version: string; plan: Plan },
): Promise<StepFacts[]> {
  const run = { ...release, id: `${release.service}-plan` };
  const found: StepFacts[] = [];
  for (const step of release.plan.steps) {
    if (step.kind !== "migrate") continue;
    found.push({
      step: step.index,
      phase: step.phase,
      facts: await readStepFacts(deps, adapters, run, step),
    });
  }
  return found;
}
