import type { LiveFactsConfig } from "../../config/live-facts-schema.js";
import { blocksTheApplication, type PhaseFacts, type SessionFacts } from "../../domain/locks/live-facts.js";
import type { MigrateStep } from "../../domain/plan/plan.js";
import type { Run } from "../../domain/run/run.js";
import type { StepOutcome } from "./outcome.js";

/** The sessions holding a lock that would make one of the step's application-blocking locks wait. */
export function blockingSessions(facts: PhaseFacts): SessionFacts[] {
  if (!facts.ok) return [];
  const strong = new Set(facts.tables.filter((t) => blocksTheApplication(t.mode)).map((t) => t.table));
  return facts.blockers.filter((s) => s.table !== null && strong.has(s.table));
}

/** "pid 4242 (psql, user shop, idle in transaction for 75 s, AccessShareLock on catalog_product)". */
export function sessionLine(session: SessionFacts): string {
  const who = [session.application || "no application name", `user ${session.user}`];
  const state = `${session.state || "state unknown"} for ${session.ageSeconds} s`;
  const lock = session.mode && session.table ? `, ${session.mode} on ${session.table}` : "";
  return `pid ${session.pid} (${who.join(", ")}, ${state}${lock})`;
}

const PIDS = /\bpid (\d+)/g;

function pidsOf(text: string | null): string {
  return [...(text ?? "").matchAll(PIDS)].map((m) => m[1]).join(",");
}

/**
 * What a migrate step does about the sessions that would block its lock: nothing when there are none (null: run
 * it); else it waits, re-checking, instead of queueing its statement behind them (which would make every later
 * reader of the table queue behind it), until `blockerWaitSeconds` after the step started; then it fails, having
 * changed nothing. phasegate never ends another session. The thread is told whenever the blocking sessions change.
 */
export function blockerOutcome(
  run: Run,
  step: MigrateStep,
  facts: PhaseFacts,
  config: LiveFactsConfig,
  now: Date,
): StepOutcome | null {
  const blockers = blockingSessions(facts);
  if (blockers.length === 0) return null;
  const state = run.steps[step.index];
  const since = state?.startedAt ? Date.parse(state.startedAt) : now.getTime();
  const waited = Math.max(0, Math.round((now.getTime() - since) / 1000));
  const who = blockers.map(sessionLine).join("; ");
  if (waited >= config.blockerWaitSeconds) {
    return {
      kind: "failed",
      message: `still blocked after ${waited} s (liveFacts.blockerWaitSeconds: ${config.blockerWaitSeconds}) by ${who}; nothing was changed. Let that transaction end (phasegate never ends another session), then retry the run`,
    };
  }
  const message = `waiting instead of queueing its lock behind ${who} (a queued ALTER would block every reader behind it); next check in ${config.recheckSeconds} s, for at most ${config.blockerWaitSeconds - waited} s more`;
  return {
    kind: "again",
    delayMs: config.recheckSeconds * 1000,
    message,
    announce: pidsOf(state?.message ?? null) !== pidsOf(message),
    counted: false,
  };
}
