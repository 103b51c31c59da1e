import type { ClassifiedEntry } from "../classify/classify.js";
import type { MigrationOperation } from "../classify/migration.js";
import type { PhasedMigration } from "../plan/phases.js";
import {
  type LaterPart,
  MIGRATIONS_IMPORT,
  type OperationPlan,
  type SplitContext,
} from "./operation-plan.js";
import { recipeFor } from "./recipes.js";
import type { ModelEdit, OperationSplit, SplitPhase, Unsplittable } from "./split-plan.js";

/** Release-1 operations of one half (expand or contract) of a split migration. */
export interface Half {
  phase: SplitPhase;
  operations: string[];
  imports: string[];
  /** Fields the half's operations touch ("item.stock"), to point later migrations at the right half. */
  fields: Set<string>;
}

export interface MigrationSplit {
  halves: Half[];
  later: LaterPart[];
  modelEdits: ModelEdit[];
  splits: OperationSplit[];
}

interface Placed {
  phase: SplitPhase;
  operation: MigrationOperation;
  sources: { source: string; imports: string[] }[];
}

/** Entries grouped by top-level operation (SeparateDatabaseAndState yields several). */
function byOperation(entries: ClassifiedEntry[]): ClassifiedEntry[][] {
  const groups = new Map<number, ClassifiedEntry[]>();
  for (const entry of entries) {
    const top = Number(entry.result.path.split(".")[0]);
    groups.set(top, [...(groups.get(top) ?? []), entry]);
  }
  return [...groups.values()];
}

/** "item.stock", or "item.*" for an operation on the whole model. */
export function fieldKey(operation: MigrationOperation): string {
  return `${operation.model}.${operation.field ?? operation.oldName ?? "*"}`;
}

function overlaps(a: string, b: string): boolean {
  const [modelA, fieldA] = a.split(".");
  const [modelB, fieldB] = b.split(".");
  return modelA === modelB && (fieldA === fieldB || fieldA === "*" || fieldB === "*");
}

/** An expand operation that follows a contract one on the same field cannot move before it. */
function reorderProblem(placed: Placed[]): string | null {
  const contracted: string[] = [];
  for (const { phase, operation } of placed) {
    const key = fieldKey(operation);
    if (phase === "contract") contracted.push(key);
    else if (contracted.some((k) => overlaps(k, key))) {
      return `operation ${operation.index} (${operation.description}) follows a contract operation on the same field; splitting would run it first`;
    }
  }
  return null;
}

/** The top-level operation kept as it is, from the source Django's writer gave. */
function kept(phase: SplitPhase, operation: MigrationOperation): Placed | string {
  if (operation.source === null) {
    return `operation ${operation.index} (${operation.description}) cannot be written back by Django's MigrationWriter (a RunPython function of the migration module?)`;
  }
  return { phase, operation, sources: [{ source: operation.source, imports: operation.imports }] };
}

/**
 * How one refused migration is rewritten: its operations go to an expand half and a contract half (in that order),
 * each refused one replaced by its recipe's release-1 operations; later releases get the rest. Or every reason it
 * cannot be split (the migration is then left as it is).
 */
export function splitMigration(
  phased: PhasedMigration,
  context: SplitContext & { modelsFile: string },
): MigrationSplit | Unsplittable[] {
  const key = { app: phased.migration.app, name: phased.migration.name };
  const placed: Placed[] = [];
  const plans: { entry: ClassifiedEntry; plan: OperationPlan }[] = [];
  const problems: Unsplittable[] = [];
  for (const group of byOperation(phased.entries)) {
    const first = group[0] as ClassifiedEntry;
    const top = phased.migration.operations[Number(first.result.path.split(".")[0])] as MigrationOperation;
    const unsafe = group.find((e) => e.result.verdict === "unsafe");
    if (unsafe) {
      const recipe = recipeFor(unsafe);
      const plan = typeof recipe === "string" ? recipe : recipe(unsafe.operation, context);
      if (typeof plan === "string") {
        problems.push({
          migration: key,
          operation: unsafe.result.path,
          type: unsafe.operation.type,
          why: plan,
        });
        continue;
      }
      plans.push({ entry: unsafe, plan });
      for (const now of plan.now) placed.push({ phase: now.phase, operation: top, sources: [now] });
      continue;
    }
    const phase = group.some((e) => e.result.verdict === "contract") ? "contract" : "expand";
    const one = kept(phase, top);
    if (typeof one === "string")
      problems.push({ migration: key, operation: String(top.index), type: top.type, why: one });
    else placed.push(one);
  }
  const reorder = reorderProblem(placed);
  if (reorder) problems.push({ migration: key, operation: null, type: null, why: reorder });
  if (problems.length > 0) return problems;

  const halves: Half[] = (["expand", "contract"] as const)
    .map((phase) => {
      const mine = placed.filter((p) => p.phase === phase);
      return {
        phase,
        operations: mine.flatMap((p) => p.sources.map((s) => s.source)),
        imports: [MIGRATIONS_IMPORT, ...mine.flatMap((p) => p.sources.flatMap((s) => s.imports))],
        fields: new Set(mine.map((p) => fieldKey(p.operation))),
      };
    })
    .filter((half) => half.operations.length > 0);
  return {
    halves,
    later: plans.flatMap(({ plan }, group) => plan.later.map((part) => ({ ...part, group }))),
    modelEdits: plans.flatMap(({ plan }) =>
      plan.modelEdits.map((edit) => ({ ...edit, app: key.app, file: context.modelsFile })),
    ),
    splits: [
      ...plans.map(({ entry, plan }) => ({
        migration: key,
        operation: entry.result.path,
        type: entry.operation.type,
        releases: plan.releases,
        checklist: plan.checklist,
      })),
      ...(halves.length > 1
        ? [
            {
              migration: key,
              operation: null,
              type: "mixed-migration",
              releases: [
                "Expand operations first (before the deploy), contract operations in a second migration (after the rollout); both ship in this release.",
              ],
              checklist: [],
            },
          ]
        : []),
    ],
  };
}
