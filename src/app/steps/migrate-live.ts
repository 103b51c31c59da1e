import type { PhaseFacts } from "../../domain/locks/live-facts.js";
import { measuredRate } from "../../domain/locks/phase-facts.js";
import type { MigrateStep } from "../../domain/plan/plan.js";
import type { Run } from "../../domain/run/run.js";
import type { ServiceAdapters } from "../../ports/service-adapters.js";
import { type LiveFactsDeps, readStepFacts } from "../live-facts.js";
import { blockerOutcome } from "./blocker-wait.js";
import { type GuardedMigrate, runGuardedMigrateStep } from "./migrate-guarded.js";
import type { StepOutcome } from "./outcome.js";

/** Keeps the rate of a rewrite the step just did, when its tables were big enough to time it. */
async function recordRate(deps: LiveFactsDeps, run: Run, facts: PhaseFacts, outcome: StepOutcome) {
  if (!facts.ok || outcome.kind !== "succeeded") return;
  const bytes = facts.tables.filter((t) => t.work === "rewrite").reduce((sum, t) => sum + (t.bytes ?? 0), 0);
  const took = (outcome.commands ?? []).reduce((sum, c) => sum + c.durationMs, 0);
  const rate = measuredRate(bytes, took, deps.now().toISOString());
  if (!rate) return;
  await deps.rewriteRates.record(run.service, rate).catch((error) => {
    deps.logger.warn({ err: error, runId: run.id }, "rewrite rate not kept");
  });
}

/**
 * A migrate step with the live facts read just before it: it waits while a session would block its lock (see
 * blocker-wait.ts), then runs under the lock guard, and keeps the rate of a rewrite it timed. With a remote
 * executor the facts are not read here: a migrate still running in a Job would be seen as its own blocker when the
 * step is polled again; the lock guard's lock_timeout keeps readers moving there.
 */
export async function runLiveMigrateStep(
  deps: LiveFactsDeps,
  run: Run,
  step: MigrateStep,
  adapters: ServiceAdapters,
  guarded: GuardedMigrate,
  signal: AbortSignal,
): Promise<StepOutcome> {
  const facts = adapters.remoteExecutor ? null : await readStepFacts(deps, adapters, run, step, signal);
  if (facts) {
    const wait = blockerOutcome(run, step, facts, adapters.liveFacts.config, deps.now());
    if (wait) return wait;
  }
  const outcome = await runGuardedMigrateStep(run, step, guarded, signal);
  if (facts) await recordRate(deps, run, facts, outcome);
  return outcome;
}
