import type { LoadedServices } from "../config/load-services.js";
import { ReleaseNotFound } from "../config/release-dir.js";
import type { ServiceConfig } from "../config/services-schema.js";
import type { Introspection } from "../domain/classify/migration.js";
import { type FollowUpReport, followUpReport } from "../domain/plan/follow-up-report.js";
import type { Plan } from "../domain/plan/plan.js";
import { type PlanOptions, planRelease } from "../domain/plan/planner.js";
import { describeFreeze, freezesOf } from "../domain/run/contract-hold.js";
import { contractOutlook } from "../domain/run/contract-outlook.js";
import { createRun } from "../domain/run/create.js";
import type { FollowUpStore } from "../ports/follow-up-store.js";
import type { FreezeStore } from "../ports/freeze-store.js";
import { noteLogContext } from "../ports/log-context.js";
import type { ServiceIntrospector } from "../ports/service-introspector.js";
import type { StartRunInput, StartRunResult } from "../ports/use-cases.js";
import { mayStart } from "./access.js";
import { approvalRulesFor } from "./approval-rules.js";
import { recordFollowUps, runFollowUps } from "./follow-ups.js";
import { newButtonToken, newGateTokens } from "./gate-buttons.js";
import type { IntrospectionSlots, SlotResult } from "./introspection-slots.js";
import type { JoinedReads } from "./joined-reads.js";
import { type LiveFactsDeps, planFacts } from "./live-facts.js";
import { type PreviousReleaseDeps, releaseBefore } from "./previous-release.js";
import { type QueueNextDeps, queueNext } from "./queue-next.js";
import { announce, type TransitionDeps } from "./transition.js";

export interface StartRunDeps extends TransitionDeps, QueueNextDeps, PreviousReleaseDeps, LiveFactsDeps {
  services: LoadedServices;
  introspect: ServiceIntrospector;
  followUps: FollowUpStore;
  freezes: FreezeStore;
  /** Bounds the introspections (Django processes) this process runs at once. */
  introspections: IntrospectionSlots;
  /** Introspections in flight, by service, release and requester: the same one asked again joins it. */
  readsInFlight: JoinedReads<SlotResult<Introspection>>;
  /** Services whose start is being planned in this process: a second start of one is refused before it introspects. */
  starting: Set<string>;
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
    const { service, version } = input;
    const slot = await deps.readsInFlight.join(JSON.stringify([service, version, input.requester]), () =>
      deps.introspections.run(() => deps.introspect({ service, version, adapters }), input.onQueued, service),
    );
    if (!slot.ok)
      return {
        ok: false,
        code: "busy",
        message: `phasegate is reading ${deps.introspections.limit} releases and ${slot.waiting} more are waiting: try again in a minute`,
      };
    return { ok: true, introspection: slot.value };
  } catch (error) {
    deps.logger.warn({ err: error, service: input.service }, "introspection failed");
    const message =
      error instanceof ReleaseNotFound
        ? error.message
        : `could not read the pending migrations of ${input.service}: ${(error as Error).message}`;
    return { ok: false, code: "introspection-failed", message };
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
 * first step. Refusals say why and what to do; nothing is stored for them. A start checks the service lock before
 * it introspects, and a run id is taken only when the run is stored.
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
  if (input.dryRun) return planOnly(deps, input, config);
  const [frozen] = freezesOf(input.service, await deps.freezes.list());
  if (frozen) {
    deps.logger.info({ service: input.service, requester: input.requester, frozen }, "start refused: frozen");
    return {
      ok: false,
      code: "frozen",
      message: `${describeFreeze(frozen)}. Nothing was started; an admin lifts the freeze with \`/migrate unfreeze ${frozen.scope}\`.`,
    };
  }
  if (deps.starting.has(input.service))
    return {
      ok: false,
      code: "start-in-progress",
      message: `another start of ${input.service} is being planned right now: wait for its answer (\`/migrate list ${input.service}\`)`,
    };
  deps.starting.add(input.service);
  try {
    const active = await deps.store.activeRunId(input.service);
    if (active) return activeRunRefusal(input.service, active);
    return await planAndCreate(deps, input, config);
  } finally {
    deps.starting.delete(input.service);
  }
}

/** What the service's own keys add to each plan: its backfill command, its analysis gate. */
function planOptionsOf(config: ServiceConfig): PlanOptions {
  return { backfill: config.backfill, analysis: config.analysis !== undefined };
}

type Planned = { ok: true; plan: Plan; followUps: FollowUpReport } | Refusal;

async function planned(deps: StartRunDeps, input: StartRunInput, options: PlanOptions): Promise<Planned> {
  const release = await readRelease(deps, input);
  if (!release.ok) return release;
  const result = planRelease(release.introspection, options);
  const followUps = followUpReport(await deps.followUps.owed(input.service), release.introspection);
  if (result.ok) return { ok: true, plan: result.plan, followUps };
  return {
    ok: false,
    code: "plan-refused",
    refusals: result.refusals,
    followUps,
    message: `the pending migrations of ${input.service} cannot roll out safely (${result.refusals.length} problem${result.refusals.length === 1 ? "" : "s"}); nothing was changed`,
  };
}

async function planOnly(
  deps: StartRunDeps,
  input: StartRunInput,
  config: ServiceConfig,
): Promise<StartRunResult> {
  const result = await planned(deps, input, planOptionsOf(config));
  if (!result.ok) return result;
  const outlook = contractOutlook(input.service, result.plan, {
    windows: config.windows ?? [],
    freezes: await deps.freezes.list(),
    now: deps.now(),
  });
  const adapters = await deps.adapters(input.service);
  // The facts' Python takes a slot like the introspection: a burst of previews stays within the service's share.
  const facts = await deps.introspections.run(
    () => planFacts(deps, adapters, { ...input, plan: result.plan }),
    undefined,
    input.service,
  );
  const liveFacts = facts.ok ? facts.value : [];
  return { ok: true, dryRun: true, plan: result.plan, followUps: result.followUps, outlook, liveFacts };
}

async function planAndCreate(
  deps: StartRunDeps,
  input: StartRunInput,
  config: ServiceConfig,
): Promise<StartRunResult> {
  const result = await planned(deps, input, planOptionsOf(config));
  if (!result.ok) return result;
  // A release without pending migrations runs too (deploy and wait only), so one path serves every release.
  // Read before anything of this run is deployed; a retried run keeps it.
  const previousRelease = await releaseBefore(deps, input.service);
  const now = deps.now().toISOString();
  const actor = { kind: "user", id: input.requester } as const;
  const build = (id: string) =>
    createRun({
      id,
      service: input.service,
      version: input.version,
      requester: input.requester,
      plan: result.plan,
      fourEyes: config.access.fourEyes,
      gateTokens: newGateTokens(result.plan),
      approvalRules: approvalRulesFor(config, result.plan),
      now,
      followUps: runFollowUps(input.service, result.followUps),
      previousRelease,
      rollbackToken: newButtonToken(),
    });
  const created = await deps.store.create(input.service, build, {
    at: now,
    actor,
    action: "created",
    from: null,
    to: "running",
    outcome: "applied",
    detail: `${input.version}: ${result.plan.steps.length} steps; live before: ${previousRelease?.version ?? "not known"}`,
  });
  if (!created.ok) return activeRunRefusal(input.service, created.activeRunId);
  const { run } = created;
  const { followUps } = result;
  noteLogContext({ runId: run.id });
  deps.logger.info({ runId: run.id, version: input.version, requester: input.requester }, "run created");
  await recordFollowUps(deps.followUps, run, followUps);
  await announce(deps, { before: null, after: run, event: null, actor });
  // The run is seen before it acts: its first step is queued once its card is out (the notifier queues it then).
  const card = (await deps.notifier.cardPosted?.(run.id, CARD_WAIT_MS)) ?? { posted: true };
  if (!card.posted) {
    deps.logger.warn({ runId: run.id, reason: card.reason }, "run waits for its card before its first step");
    return { ok: true, dryRun: false, run, cardProblem: card.reason, followUps };
  }
  await queueNext(deps, run);
  return { ok: true, dryRun: false, run, followUps };
}
