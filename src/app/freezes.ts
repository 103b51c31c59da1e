import type { LoadedServices } from "../config/load-services.js";
import {
  ALL_SERVICES,
  describeFreeze,
  type Freeze,
  freezesOf,
  type RunningContract,
  runningContract,
} from "../domain/run/contract-hold.js";
import { isContractStep } from "../domain/run/guards.js";
import type { Approvers } from "../ports/approvers.js";
import type { FreezeAuditEntry, FreezeStore } from "../ports/freeze-store.js";
import type { FreezeChange } from "../ports/notifier.js";
import type { StepQueue } from "../ports/step-queue.js";
import type { FreezeInput, FreezeResult } from "../ports/use-cases.js";
import { type TransitionDeps, transition } from "./transition.js";

export interface FreezeDeps extends TransitionDeps {
  services: LoadedServices;
  approvers: Approvers;
  freezes: FreezeStore;
  queue: StepQueue;
}

type Refused = Extract<FreezeResult, { ok: false }>;

/** The services a scope names: one, or every service for "all"; null for an unknown one. */
function servicesOf(deps: FreezeDeps, scope: string): string[] | null {
  const all = Object.keys(deps.services.services);
  if (scope === ALL_SERVICES) return all;
  return all.includes(scope) ? [scope] : null;
}

/** Why the user may not freeze or unfreeze the scope (an admin of each service it names may), or null. */
async function notAdmin(deps: FreezeDeps, user: string, scope: string, services: string[]) {
  for (const service of services)
    if (!(await deps.approvers.mayAdminister({ service, user })))
      return `${user} may not freeze or unfreeze ${scope}: only an admin of ${service} may (access.admins)${scope === ALL_SERVICES ? "; all needs an admin of every service" : ""}`;
  return null;
}

/** Checks the scope and the user; a refusal is audited. The services the scope names when allowed. */
async function authorise(
  deps: FreezeDeps,
  input: FreezeInput,
  action: FreezeAuditEntry["action"],
): Promise<string[] | Refused> {
  const services = servicesOf(deps, input.scope);
  if (!services) {
    const known = Object.keys(deps.services.services).join(", ");
    const message = `no service "${input.scope}" (known: ${known}, or all)`;
    await refuse(deps, input, action, message);
    return { ok: false, code: "not-found", message };
  }
  const problem = await notAdmin(deps, input.user, input.scope, services);
  if (!problem) return services;
  await refuse(deps, input, action, problem);
  return { ok: false, code: "not-allowed", message: problem };
}

async function refuse(deps: FreezeDeps, input: FreezeInput, action: FreezeAuditEntry["action"], why: string) {
  deps.logger.warn({ user: input.user, scope: input.scope, action, why }, "freeze change refused");
  await deps.freezes.appendAudit({ ...entry(deps, input, action, why), outcome: "refused" });
}

function entry(deps: FreezeDeps, input: FreezeInput, action: FreezeAuditEntry["action"], detail: string) {
  const at = deps.now().toISOString();
  return { at, by: input.user, action, scope: input.scope, outcome: "applied" as const, detail };
}

/** Tells the notifiers; a failure is logged, the freeze itself stands. */
async function tell(deps: FreezeDeps, change: FreezeChange): Promise<void> {
  try {
    await deps.notifier.freezeChanged?.(change);
  } catch (error) {
    deps.logger.error({ err: error, scope: change.freeze.scope }, "could not announce a freeze change");
  }
}

/**
 * Each active run of the services records the freeze holding it now (its card shows it; its audit trail says who),
 * and one whose contract step is pending looks again at once: one held by the freeze just lifted starts, one
 * waiting for its window now says it is frozen. Returns the contract steps already running: noted after the
 * freeze was set, the run shows every step that started before the freeze (a worker starts a contract step only on
 * the run it checked the freezes for, see process-step's startStep).
 */
async function noteOnActiveRuns(
  deps: FreezeDeps,
  services: string[],
  user: string,
): Promise<RunningContract[]> {
  const freezes = await deps.freezes.list();
  const running: RunningContract[] = [];
  for (const service of services) {
    const runId = await deps.store.activeRunId(service);
    if (!runId) continue;
    const [holding = null] = freezesOf(service, freezes);
    const noted = await transition(
      deps,
      runId,
      { type: "freeze-noted", freeze: holding },
      { kind: "user", id: user },
    );
    if (!noted.ok) continue;
    const { run } = noted;
    const started = runningContract(run);
    if (started) running.push(started);
    const step = run.plan.steps[run.currentStep];
    if (run.status !== "running" || !step || !isContractStep(step)) continue;
    if (run.steps[run.currentStep]?.status === "pending") await deps.queue.wakeStep(run);
  }
  return running;
}

export async function freeze(
  deps: FreezeDeps,
  input: FreezeInput & { reason: string },
): Promise<FreezeResult> {
  const services = await authorise(deps, input, "freeze");
  if (!Array.isArray(services)) return services;
  const frozen: Freeze = {
    scope: input.scope,
    by: input.user,
    reason: input.reason,
    at: deps.now().toISOString(),
  };
  const set = await deps.freezes.set(frozen, entry(deps, input, "freeze", input.reason));
  if (!set.ok) {
    const message = `${describeFreeze(set.existing)}. To change the reason, unfreeze it first.`;
    await refuse(deps, input, "freeze", message);
    return { ok: false, code: "already-frozen", message };
  }
  const running = await noteOnActiveRuns(deps, services, input.user);
  deps.logger.info(
    { scope: input.scope, by: input.user, reason: input.reason, running: running.map((r) => r.runId) },
    "frozen",
  );
  await tell(deps, { kind: "frozen", freeze: frozen, services, running });
  return { ok: true, freeze: frozen, running };
}

export async function unfreeze(deps: FreezeDeps, input: FreezeInput): Promise<FreezeResult> {
  const services = await authorise(deps, input, "unfreeze");
  if (!Array.isArray(services)) return services;
  const lifted = await deps.freezes.remove(input.scope, entry(deps, input, "unfreeze", "lifted"));
  if (!lifted) {
    const message = `${input.scope} is not frozen: \`/migrate freezes\` shows what is`;
    await refuse(deps, input, "unfreeze", message);
    return { ok: false, code: "not-frozen", message };
  }
  deps.logger.info({ scope: input.scope, by: input.user, frozenBy: lifted.by }, "unfrozen");
  await tell(deps, { kind: "unfrozen", freeze: lifted, by: input.user, services });
  await noteOnActiveRuns(deps, services, input.user);
  return { ok: true, freeze: lifted, running: [] };
}
