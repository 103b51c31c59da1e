import type { Plan } from "../domain/plan/plan.js";
import { describeFreeze, type Freeze } from "../domain/run/contract-hold.js";
import type { Run } from "../domain/run/run.js";
import type { FreezeAuditEntry } from "../ports/freeze-store.js";
import type { AuditEntry } from "../ports/run-store.js";
import { formatTable } from "./table.js";

/** "rollback to v41 succeeded (started by U_BOB): 2 of 2 instances run v41", or nothing. */
function rollbackLine(run: Run): string {
  const rollback = run.rollback;
  if (!rollback) return "";
  const status = rollback.status === "running" ? `running (${rollback.phase})` : rollback.status;
  return `\n  rollback to ${rollback.toVersion} ${status} (started by ${rollback.by})${rollback.message ? `: ${rollback.message}` : ""}`;
}

/** The run, then one line per step: phase, status, attempts, last word. */
export function renderRun(run: Run): string {
  const head = `${run.id}  ${run.service} ${run.version}  ${run.status}  requested by ${run.requester}${run.outcome ? `\n  ${run.outcome}` : ""}${rollbackLine(run)}`;
  const rows = run.plan.steps.map((step) => {
    const state = run.steps[step.index];
    return [
      `${step.index === run.currentStep ? ">" : " "} ${step.index + 1}.`,
      step.phase,
      state?.status ?? "?",
      step.title,
      state?.message ?? "",
    ];
  });
  return `${[head, ...formatTable(["", "PHASE", "STATUS", "STEP", "LAST"], rows).map((l) => `  ${l}`)].join("\n")}\n`;
}

export function renderPlanSteps(plan: Plan): string {
  return `${plan.steps.map((s) => `  ${s.index + 1}. ${s.phase.padEnd(14)}${s.title}`).join("\n")}\n`;
}

export function renderRunList(runs: Run[]): string {
  if (runs.length === 0) return "No runs.\n";
  const rows = runs.map((r) => [
    r.id,
    r.service,
    r.version,
    r.status,
    `${Math.min(r.currentStep + 1, r.plan.steps.length)}/${r.plan.steps.length}`,
    r.updatedAt,
  ]);
  return `${formatTable(["RUN", "SERVICE", "VERSION", "STATUS", "STEP", "UPDATED"], rows).join("\n")}\n`;
}

export function renderAudit(entries: AuditEntry[]): string {
  const rows = entries.map((e) => [
    e.at,
    `${e.actor.kind === "system" ? "(system) " : ""}${e.actor.id}`,
    e.action,
    `${e.from ?? "-"} -> ${e.to ?? "-"}`,
    e.outcome,
    e.detail ?? "",
  ]);
  return `${formatTable(["AT", "WHO", "ACTION", "STATUS", "OUTCOME", "DETAIL"], rows).join("\n")}\n`;
}

/** The freezes in force, then the latest freezes and unfreezes (refused ones too), newest first. */
export function renderFreezes(freezes: Freeze[], trail: FreezeAuditEntry[]): string {
  const now = freezes.length === 0 ? ["Nothing is frozen."] : freezes.map(describeFreeze);
  const rows = trail.map((e) => [e.at, e.by, e.action, e.scope, e.outcome, e.detail]);
  const table =
    trail.length === 0
      ? []
      : ["", ...formatTable(["AT", "WHO", "ACTION", "SCOPE", "OUTCOME", "DETAIL"], rows)];
  return `${[...now, ...table].join("\n")}\n`;
}
