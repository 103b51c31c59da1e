import type { ClassifiedOperation } from "../domain/classify/classification.js";
import type { Introspection } from "../domain/classify/migration.js";
import { lockImpact } from "../domain/locks/analyse.js";
import type { Plan, PlanResult, PlanStep, Refusal } from "../domain/plan/plan.js";
import { splitMayFix } from "../domain/split/may-fix.js";
import { formatTable } from "./table.js";

export interface RenderOptions {
  verbose: boolean;
  /** The project as the user named it, for the header. */
  project: string;
}

function stepLines(step: PlanStep): string[] {
  const head = `  ${step.index + 1}. ${step.phase.padEnd(14)}${step.title}`;
  if (step.kind === "migrate") {
    return [head, ...step.targets.map((t) => `         manage.py migrate ${t.app} ${t.migration}`)];
  }
  if (step.kind === "approval") return [head, ...step.summary.map((line) => `         - ${line}`)];
  if (step.kind === "backfill") return [head, `         ${step.command.join(" ")} (until nothing remains)`];
  return [head];
}

function planSection(plan: Plan): string[] {
  const gate = plan.destructive ? "destructive: a human approves the contract phase" : "nothing destructive";
  return [`Plan (${plan.steps.length} steps, ${gate}):`, ...plan.steps.flatMap(stepLines)];
}

function refusalSection(refusals: Refusal[], project: string): string[] {
  const lines = [
    `Refused: ${refusals.length} problem${refusals.length === 1 ? "" : "s"}, nothing can be applied:`,
  ];
  if (splitMayFix(refusals)) {
    lines.push(
      `  phasegate split --project ${project} writes these recipes as migrations (a diff; --write writes them).`,
    );
  }
  refusals.forEach((refusal, i) => {
    lines.push(`  ${i + 1}. [${refusal.code}] ${refusal.message}`);
    if (refusal.recipe.length > 0)
      lines.push("     What to do:", ...refusal.recipe.map((step) => `       - ${step}`));
  });
  return lines;
}

/** Reason, locks, notes and (verbose) SQL under an operation's row; recipes are in the refusals above. */
function detailLines(o: ClassifiedOperation, verbose: boolean): string[] {
  const pad = "      ";
  return [
    `${pad}${o.reason}`,
    ...o.locks.map((l) => `${pad}lock: ${l.mode} on ${l.table} (${lockImpact(l.mode)})`),
    ...o.notes.map((note) => `${pad}note: ${note}`),
    ...(verbose ? o.sql.map((statement) => `${pad}sql: ${statement}`) : []),
  ];
}

function operationsSection(
  operations: ClassifiedOperation[],
  phases: Map<string, string>,
  verbose: boolean,
): string[] {
  if (operations.length === 0) return ["No pending migrations: deploy and wait only."];
  const headers = ["PHASE", "MIGRATION", "OP", "OPERATION", "VERDICT"];
  const rows = operations.map((o) => [
    phases.get(`${o.app}.${o.migration}`) ?? "-",
    `${o.app}.${o.migration}`,
    o.path,
    o.description,
    o.overridden ? `${o.verdict} (overridden)` : o.verdict,
  ]);
  const [header = "", ...lines] = formatTable(headers, rows);
  return [
    "Operations:",
    `  ${header}`,
    ...lines.flatMap((line, i) => {
      const operation = operations[i];
      return [`  ${line}`, ...(operation ? detailLines(operation, verbose) : [])];
    }),
  ];
}

/** The human-readable `phasegate plan` output. */
export function renderPlanText(
  result: PlanResult,
  introspection: Introspection,
  options: RenderOptions,
): string {
  const count = introspection.pending.length;
  const header = `phasegate plan: ${options.project} (Django ${introspection.djangoVersion}, ${introspection.vendor}, ${count} pending migration${count === 1 ? "" : "s"})`;
  const phases = new Map(result.ok ? result.plan.migrations.map((m) => [`${m.app}.${m.name}`, m.phase]) : []);
  const operations = result.ok ? result.plan.operations : result.operations;
  const first = result.ok ? planSection(result.plan) : refusalSection(result.refusals, options.project);
  return `${[header, "", ...first, "", ...operationsSection(operations, phases, options.verbose)].join("\n")}\n`;
}
