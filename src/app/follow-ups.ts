import type { LoadedServices } from "../config/load-services.js";
import { migrationLabel } from "../domain/classify/migration.js";
import { describeOwed, type FollowUpReport, type OwedFollowUp } from "../domain/plan/follow-up-report.js";
import type { Run, RunFollowUps } from "../domain/run/run.js";
import type { Approvers } from "../ports/approvers.js";
import type { FollowUpStore } from "../ports/follow-up-store.js";
import type { RunStore } from "../ports/run-store.js";
import type { DropFollowUpInput, DropFollowUpResult } from "../ports/use-cases.js";

/** The follow-up lines a run keeps for its card. */
export function runFollowUps(service: string, report: FollowUpReport): RunFollowUps {
  return {
    settles: report.settles.map((o) => describeOwed(service, o)),
    missing: report.missing.map((o) => describeOwed(service, o)),
    owes: report.owes.map((o) => `${migrationLabel(o)}${o.phase ? ` (${o.phase})` : ""}`),
  };
}

/**
 * A created run owes what its migrations declare and settles what it contains. Recorded when the run is created:
 * a run that then fails is retried or replaced by one of the same release, which carries the same migrations.
 */
export async function recordFollowUps(store: FollowUpStore, run: Run, report: FollowUpReport): Promise<void> {
  const owe: OwedFollowUp[] = report.owes.map((o) => ({
    ...o,
    runId: run.id,
    version: run.version,
    at: run.createdAt,
  }));
  await store.update(run.service, owe, report.settles);
}

export interface DropFollowUpDeps {
  services: LoadedServices;
  approvers: Approvers;
  followUps: FollowUpStore;
  store: RunStore;
  now: () => Date;
}

/** An approver forgets a follow-up; the reason goes to the audit of the run that owed it. */
export async function dropFollowUp(
  deps: DropFollowUpDeps,
  input: DropFollowUpInput,
): Promise<DropFollowUpResult> {
  const label = migrationLabel(input.migration);
  if (!deps.services.services[input.service])
    return { ok: false, code: "not-found", message: `no service "${input.service}"` };
  const audit = (runId: string, outcome: "applied" | "refused", detail: string) =>
    deps.store.appendAudit(runId, {
      at: deps.now().toISOString(),
      actor: { kind: "user", id: input.user },
      action: "follow-up-dropped",
      from: null,
      to: null,
      outcome,
      detail,
    });
  const notOwed: DropFollowUpResult = {
    ok: false,
    code: "not-found",
    message: `${input.service} owes no ${label}: \`/migrate owed ${input.service}\` lists what it owes`,
  };
  if (!(await deps.approvers.mayApprove({ service: input.service, user: input.user }))) {
    const owed = (await deps.followUps.owed(input.service)).find((o) => migrationLabel(o) === label);
    if (!owed) return notOwed;
    await audit(owed.runId, "refused", `${label}: only an approver of ${input.service} may drop it`);
    return {
      ok: false,
      code: "not-allowed",
      message: `${input.user} may not drop follow-ups of ${input.service}: only its approvers can`,
    };
  }
  const dropped = await deps.followUps.drop(input.service, input.migration);
  if (!dropped) return notOwed;
  await audit(dropped.runId, "applied", `${label} no longer owed: ${input.reason}`);
  return { ok: true, dropped };
}
