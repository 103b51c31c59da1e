import type { LoadedServices } from "../config/load-services.js";
import type { Introspection } from "../domain/classify/migration.js";
import { followUpReport } from "../domain/plan/follow-ups.js";
import { planRelease } from "../domain/plan/planner.js";
import { createRun } from "../domain/run/create.js";
import type { FollowUpStore } from "../ports/follow-up-store.js";
import type { ServiceIntrospector } from "../ports/service-introspector.js";
import type { StartRunInput, StartRunResult } from "../ports/use-cases.js";
import { mayStart } from "./access.js";
import { approvalRulesFor } from "./approval-rules.js";
import { type FollowUpDeps, followUp } from "./follow-up.js";
import { recordFollowUps, runFollowUps } from "./follow-ups.js";
import { newGateTokens } from "./gate-buttons.js";
import { announce, type TransitionDeps } from "./transition.js";

export interface StartRunDeps extends TransitionDeps, FollowUpDeps {
  services: LoadedServices;
  introspect: ServiceIntrospector;
  followUps: FollowUpStore;
}

type Refusal = Extract<StartRunResult, { ok: false }>;

/** How long starting a run waits for its card before answering that Slack has not taken it. */
const CARD_WAIT_MS = 2000;

async function readRelease(
  deps: StartRunDeps,
  input: StartRunInput,
): Promise<{ ok: true; introspection: Introspection } | Refusal> {
  try {
    const adapters = await deps.adapters(input.service);
    const introspection = await deps.introspect({
      service: input.service,
      version: input.version,
      adapters,
    });
    return { ok: true, introspection };
  } catch (error) {
    deps.logger.warn({ err: error, service: input.service }, "introspection failed");
    return {
      ok: false,
      code: "introspection-failed",
      message: `could not read the pending migrations of ${input.service}: ${(error as Error).message}`,
    };
  }
}

function activeRunRefusal(service: string, activeRunId: string): Refusal {
  return {
    ok: false,
    code: "active-run",
    activeRunId,
    message: `${service} already has an active run, ${activeRunId}: wait for it to finish, or cancel it first`,
  };
}

/**
 * Introspects the release, plans it, and (unless dry run) stores the run under the service lock and queues its
 * first step. Refusals say why and what to do; nothing is stored for them.
 */
export async function startRun(deps: StartRunDeps, input: StartRunInput): Promise<StartRunResult> {
  const config = deps.services.services[input.service];
  if (!config) {
    const known = Object.keys(deps.services.services).join(", ");
    return { ok: false, code: "unknown-service", message: `no service "${input.service}" (known: ${known})` };
  }
  if (!mayStart(deps.services, input.service, input.requester))
    return {
      ok: false,
      code: "not-allowed",
      message: `${input.requester} may not start runs of ${input.service}: ask someone in access.starters`,
    };
  if (!input.dryRun) {
    const active = await deps.store.activeRunId(input.service);
    if (active) return activeRunRefusal(input.service, active);
  }
  const release = await readRelease(deps, input);
  if (!release.ok) return release;
  const planned = planRelease(release.introspection, { backfill: config.backfill });
  const followUps = followUpReport(await deps.followUps.owed(input.service), release.introspection);
  if (!planned.ok)
    return {
      ok: false,
      code: "plan-refused",
      refusals: planned.refusals,
      followUps,
      message: `the pending migrations of ${input.service} cannot roll out safely (${planned.refusals.length} problem${planned.refusals.length === 1 ? "" : "s"}); nothing was changed`,
    };
  if (input.dryRun) return { ok: true, dryRun: true, plan: planned.plan, followUps };
  if (planned.plan.steps.length === 0)
    return {
      ok: false,
      code: "nothing-pending",
      message: `${input.service} has no pending migrations: deploy ${input.version} the usual way`,
    };

  const now = deps.now().toISOString();
  const run = createRun({
    id: await deps.store.nextRunId(input.service),
    service: input.service,
    version: input.version,
    requester: input.requester,
    plan: planned.plan,
    fourEyes: config.access.fourEyes,
    gateTokens: newGateTokens(planned.plan),
    approvalRules: approvalRulesFor(config, planned.plan),
    now,
    followUps: runFollowUps(input.service, followUps),
  });
  const actor = { kind: "user", id: input.requester } as const;
  const created = await deps.store.create(run, {
    at: now,
    actor,
    action: "created",
    from: null,
    to: run.status,
    outcome: "applied",
    detail: `${input.version}: ${run.plan.steps.length} steps`,
  });
  if (!created.ok) return activeRunRefusal(input.service, created.activeRunId);
  deps.logger.info({ runId: run.id, version: input.version, requester: input.requester }, "run created");
  await recordFollowUps(deps.followUps, run, followUps);
  await announce(deps, { before: null, after: run, event: null, actor });
  // The run is seen before it acts: its first step is queued once its card is out (the notifier queues it then).
  const card = (await deps.notifier.cardPosted?.(run.id, CARD_WAIT_MS)) ?? { posted: true };
  if (!card.posted) {
    deps.logger.warn({ runId: run.id, reason: card.reason }, "run waits for its card before its first step");
    return { ok: true, dryRun: false, run, cardProblem: card.reason, followUps };
  }
  await followUp(deps, run);
  return { ok: true, dryRun: false, run, followUps };
}
