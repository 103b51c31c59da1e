import { claimOf, staleClaim } from "../domain/run/attempt.js";
import { applyRunEvent } from "../domain/run/reducer.js";
import type { Actor, Run, RunEvent } from "../domain/run/run.js";
import { stepNumber } from "../domain/run/step-number.js";
import type { Logger } from "../ports/logger.js";
import type { Notifier } from "../ports/notifier.js";
import type { AuditInput, RunStore } from "../ports/run-store.js";

export interface TransitionDeps {
  store: RunStore;
  notifier: Notifier;
  logger: Logger;
  now: () => Date;
}

export type TransitionOutcome =
  | { ok: true; before: Run; run: Run }
  | { ok: false; code: "not-found"; message: string }
  | { ok: false; code: "refused"; message: string; run: Run }
  | { ok: false; code: "active-run"; message: string; run: Run; activeRunId: string };

/** A strict transition's run changed since the caller read it (the new run): nothing was applied. */
type Changed = { ok: false; code: "changed"; message: string; run: Run };

/** Enough for any realistic burst of concurrent clicks; each lost race reloads and decides again. */
const MAX_ATTEMPTS = 50;

/** Tells the notifier; a notifier failure is logged and never undoes the change. */
export async function announce(
  deps: TransitionDeps,
  change: Parameters<Notifier["notify"]>[0],
): Promise<void> {
  try {
    await deps.notifier.notify(change);
  } catch (error) {
    deps.logger.error({ err: error, runId: change.after.id }, "notifier failed; the run itself changed");
  }
}

/** What writing a run change needs: telling the notifiers is transition's part. */
export type RunWriteDeps = Pick<TransitionDeps, "store" | "logger" | "now">;

/**
 * Applies one event to the stored run (see writeRunEvent), then tells the notifiers when it applied. `strict`: the
 * event was decided on `known` (a contract step's turn), so a run changed since is not decided again here: the
 * outcome is `changed`.
 */
export function transition(
  deps: TransitionDeps,
  runId: string,
  event: RunEvent,
  actor: Actor,
  known?: Run,
): Promise<TransitionOutcome>;
export function transition(
  deps: TransitionDeps,
  runId: string,
  event: RunEvent,
  actor: Actor,
  known: Run,
  strict: true,
): Promise<TransitionOutcome | Changed>;
export async function transition(
  deps: TransitionDeps,
  runId: string,
  event: RunEvent,
  actor: Actor,
  known?: Run,
  strict = false,
): Promise<TransitionOutcome | Changed> {
  const outcome = await writeRunEvent(deps, runId, event, actor, known, strict);
  if (outcome.ok) await announce(deps, { before: outcome.before, after: outcome.run, event, actor });
  return outcome;
}

/**
 * The one write path of a run: reduce, then compare-and-set. When another writer got there first, it reloads and
 * decides again, so of two racing approvals one applies and the other is refused by the reducer. Refusals are
 * written to the audit trail. `known`, the run as the caller last read it, saves a read; when it is out of date the
 * compare-and-set fails and the run is read again (unless `strict`). Bookkeeping changes nobody is told about (where
 * a run's Slack messages live) call it directly; every other change goes through transition.
 */
export async function writeRunEvent(
  deps: RunWriteDeps,
  runId: string,
  event: RunEvent,
  actor: Actor,
  known?: Run,
  strict = false,
): Promise<TransitionOutcome | Changed> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const before = attempt === 0 && known ? known : await deps.store.get(runId);
    if (!before)
      return { ok: false, code: "not-found", message: `no run ${runId}: check the id with "list"` };
    if (strict && known && before.revision !== known.revision)
      return { ok: false, code: "changed", message: `run ${runId} changed meanwhile`, run: before };
    const at = deps.now().toISOString();
    const result = applyRunEvent(before, event, at);
    // A refusal is only final when decided on the stored run.
    if (!result.ok && before === known) continue;
    if (!result.ok) {
      await deps.store.appendAudit(runId, refusedEntry(before, event, actor, at, result.reason));
      return { ok: false, code: "refused", message: result.reason, run: before };
    }
    const claim = claimOf(event);
    const audit: AuditInput | null = isNote(event)
      ? null
      : {
          at,
          actor,
          action: event.type,
          from: before.status,
          to: result.run.status,
          outcome: "applied",
          detail: describe(event, before, at),
        };
    const saved = await deps.store.save(result.run, before.revision, audit, claim);
    if (saved.ok) {
      deps.logger.info(
        { runId, event: event.type, from: before.status, to: result.run.status, actor: actor.id },
        "run changed",
      );
      return { ok: true, before, run: result.run };
    }
    if (saved.conflict === "stale" && claim) {
      const message = staleClaim(claim, saved.owner);
      await deps.store.appendAudit(runId, refusedEntry(before, event, actor, at, message));
      return { ok: false, code: "refused", message, run: before };
    }
    if (saved.conflict === "locked") {
      const message = `${before.service} already has an active run, ${saved.activeRunId}: finish or cancel it first`;
      await deps.store.appendAudit(runId, refusedEntry(before, event, actor, at, message));
      return { ok: false, code: "active-run", message, run: before, activeRunId: saved.activeRunId };
    }
  }
  throw new Error(`run ${runId}: too many concurrent changes, try again`);
}

/** The audit line of an event the run refused (the run itself does not change). */
function refusedEntry(run: Run, event: RunEvent, actor: Actor, at: string, reason: string): AuditInput {
  return { at, actor, action: event.type, from: run.status, to: null, outcome: "refused", detail: reason };
}

/**
 * A rollout poll changes what the card shows, not the run's state: the audit trail keeps state changes, and the
 * polls are summed up in the entry that ends the wait (pollSummary). The live facts a gate shows are kept on the run
 * itself (and in `run export`), not as an entry of their own.
 */
function isNote(event: RunEvent): boolean {
  return event.type === "rollout-progress" || event.type === "live-facts-noted";
}

/** "rollout: 12 polls over 60 s, " for the end of a rollout wait that polled; "" otherwise. */
function pollSummary(event: RunEvent, before: Run, at: string): string {
  if (!("step" in event) || !["step-succeeded", "step-failed", "timed-out"].includes(event.type)) return "";
  const state = before.steps[event.step];
  if (before.plan.steps[event.step]?.kind !== "wait-rollout" || !state) return "";
  // The check that ended the wait is a poll too; a timeout ends it without one.
  const polls = state.polls + (event.type === "timed-out" ? 0 : 1);
  const since = state.startedAt ? Date.parse(state.startedAt) : Date.parse(at);
  const seconds = Math.round((Date.parse(at) - since) / 1000);
  return `rollout: ${polls} poll${polls === 1 ? "" : "s"} over ${seconds} s, `;
}

function describe(event: RunEvent, before: Run, at: string): string | null {
  if (event.type === "analysis-overridden") return `${stepNumber(event.step)}: ${event.reason}`;
  if ("step" in event) {
    const said = "message" in event && event.message ? event.message : "";
    const summary = pollSummary(event, before, at);
    return `${stepNumber(event.step)}${summary || said ? `: ${summary}${said}` : ""}`;
  }
  if (event.type === "approval-rejected" && event.reason) return `gate ${event.gate}: ${event.reason}`;
  if ("gate" in event) return `gate ${event.gate}`;
  if (event.type === "cancelled" && event.reason) return event.reason;
  if (event.type === "rollback-started") return `to ${event.toVersion}`;
  if ("message" in event && event.message) return event.message;
  return null;
}
