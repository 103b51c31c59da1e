import {
  type Introspection,
  type MigrationKey,
  migrationLabel,
  type PendingMigration,
} from "../classify/migration.js";
import { assignPhases, type PhasedMigration } from "../plan/phases.js";
import type { Refusal } from "../plan/plan.js";
import { findRefusals } from "../plan/refusals.js";
import type { LaterPart } from "./operation-plan.js";
import { fieldKey, type Half, type MigrationSplit, splitMigration } from "./split-migration.js";
import type { MigrationSpec, Retarget, SplitPlan, Unsplittable } from "./split-plan.js";

/** Folder, inside the app's migrations folder, of the migrations later releases owe (Django does not load it). */
export const NEXT_FOLDER = "phasegate_next";

function dirname(file: string): string {
  const slash = file.lastIndexOf("/");
  return slash < 0 ? "" : file.slice(0, slash);
}

function join(...parts: string[]): string {
  return parts.filter((p) => p.length > 0).join("/");
}

function numberOf(name: string): number {
  const found = name.match(/^(\d+)_/);
  return found ? Number(found[1]) : 0;
}

function keyOf(m: MigrationKey): MigrationKey {
  return { app: m.app, name: m.name };
}

/**
 * The expand half keeps the name (migrations that depend on it still resolve); the contract half's name must not
 * start with it, or `manage.py migrate app <name>` (which matches by prefix) finds two.
 */
function halfName(migration: PendingMigration, halves: Half[], index: number): string {
  if (index === 0 || halves.length === 1) return migration.name;
  const found = migration.name.match(/^(\d+)_(.*)$/);
  return found ? `${found[1]}_contract_${found[2]}` : `contract_${migration.name}`;
}

interface AppState {
  /** Highest migration number of the app, applied, pending or generated. */
  number: number;
  /** What the first migration of the next release depends on: the app's last migration in this release. */
  leaf: MigrationKey;
}

function releaseOneSpecs(phased: PhasedMigration, split: MigrationSplit, folder: string): MigrationSpec[] {
  const { migration } = phased;
  return split.halves.map((half, index) => ({
    app: migration.app,
    name: halfName(migration, split.halves, index),
    release: 1,
    phase: half.phase,
    file: join(folder, `${halfName(migration, split.halves, index)}.py`),
    summary:
      split.halves.length > 1
        ? `The ${half.phase} half of ${migration.name}, split by phasegate.`
        : `${migration.name}, rewritten by phasegate for the first release of its recipe.`,
    origin: keyOf(migration),
    dependencies: index === 0 ? migration.dependencies : [{ app: migration.app, name: migration.name }],
    atomic: migration.atomic,
    operations: half.operations,
    functions: [],
    imports: half.imports,
    followUp: [],
  }));
}

function laterSpec(part: LaterPart, origin: MigrationKey, state: AppState, folder: string): MigrationSpec {
  const { app } = origin;
  state.number += 1;
  const name = `${String(state.number).padStart(4, "0")}_${part.slug}`;
  const spec: MigrationSpec = {
    app,
    name,
    release: part.release,
    phase: part.phase,
    file: join(folder, NEXT_FOLDER, `${name}.py`),
    summary: part.summary,
    origin,
    dependencies: [state.leaf],
    atomic: part.atomic,
    operations: part.operations,
    functions: part.functions,
    imports: part.imports,
    followUp: [],
  };
  state.leaf = { app, name };
  return spec;
}

/**
 * Later migrations that depended on a split migration: contract ones, and those that touch a field the contract
 * half changes, now depend on the contract half; the others keep the expand half (so they can stay expand).
 */
function retargets(
  phased: PhasedMigration[],
  split: Map<string, { halves: Half[]; names: MigrationKey[] }>,
): Retarget[] {
  const found: Retarget[] = [];
  for (const later of phased) {
    for (const dependency of later.migration.dependencies) {
      const halves = split.get(migrationLabel(dependency));
      if (!halves || halves.names.length < 2) continue;
      const contract = halves.halves[1] as Half;
      const touches = later.migration.operations.some((op) => contract.fields.has(fieldKey(op)));
      if (later.ownPhase !== "contract" && !touches) continue;
      found.push({
        migration: keyOf(later.migration),
        file: later.migration.file ?? "",
        from: keyOf(dependency),
        to: halves.names[1] as MigrationKey,
      });
    }
  }
  return found;
}

function appStates(introspection: Introspection): Map<string, AppState> {
  const states = new Map<string, AppState>();
  for (const m of [...introspection.applied, ...introspection.pending]) {
    const state = states.get(m.app);
    states.set(m.app, { number: Math.max(state?.number ?? 0, numberOf(m.name)), leaf: keyOf(m) });
  }
  return states;
}

function unsplittableRefusal(refusal: Refusal): Unsplittable {
  return {
    migration: refusal.migration,
    operation: refusal.operation,
    type: null,
    why: `${refusal.code}: ${refusal.recipe.join(" ")}`,
  };
}

/** What `phasegate split` writes for the refused migrations of a release; pure: the introspection in, data out. */
export function planSplit(introspection: Introspection): SplitPlan {
  const phased = assignPhases(introspection);
  const refusals = findRefusals(phased);
  const refused = new Set(
    refusals.filter((r) => r.code !== "contract-before-expand").map((r) => migrationLabel(r.migration)),
  );
  const context = {
    vendor: introspection.vendor,
    djangoMajor: Number.parseInt(introspection.djangoVersion, 10) || 0,
  };
  const states = appStates(introspection);
  const plan: SplitPlan = {
    replaced: [],
    migrations: [],
    retargets: [],
    modelEdits: [],
    splits: [],
    unsplittable: refusals.filter((r) => r.code === "contract-before-expand").map(unsplittableRefusal),
  };
  const done = new Map<string, { halves: Half[]; names: MigrationKey[] }>();
  const later: { app: string; part: LaterPart; folder: string; owner: MigrationSpec }[] = [];
  for (const one of phased) {
    if (!refused.has(one.label)) continue;
    const { migration } = one;
    if (!migration.file) {
      plan.unsplittable.push({
        migration: keyOf(migration),
        operation: null,
        type: null,
        why: "the helper could not tell where its file is",
      });
      continue;
    }
    const folder = dirname(migration.file);
    const modelsFile = join(dirname(folder), "models.py");
    const split = splitMigration(one, { ...context, app: migration.app, modelsFile });
    if (Array.isArray(split)) {
      plan.unsplittable.push(...split);
      continue;
    }
    const specs = releaseOneSpecs(one, split, folder);
    plan.replaced.push({ migration: keyOf(migration), file: migration.file });
    plan.migrations.push(...specs);
    plan.modelEdits.push(...split.modelEdits);
    plan.splits.push(...split.splits);
    done.set(one.label, { halves: split.halves, names: specs.map(keyOf) });
    const owner = specs[specs.length - 1] as MigrationSpec;
    const state = states.get(migration.app);
    if (state && state.leaf.name === migration.name) state.leaf = keyOf(owner);
    for (const part of split.later) later.push({ app: migration.app, part, folder, owner });
  }
  // Later releases depend on each app's last migration of this release; numbered after every existing one; in
  // each release the expand migrations first, or an expand one would depend on a contract one.
  const order = (l: (typeof later)[number]) => l.part.release * 2 + (l.part.phase === "contract" ? 1 : 0);
  const firstOfRelease = new Map<string, MigrationSpec>();
  for (const { app, part, folder, owner } of [...later].sort((a, b) => order(a) - order(b))) {
    const state = states.get(app) as AppState;
    const spec = laterSpec(part, owner.origin, state, folder);
    const owed = { name: spec.name, phase: spec.phase };
    owner.followUp.push(owed);
    // A release in the middle of a recipe owes the releases after it too.
    const recipe = `${owner.name}#${part.group ?? 0}`;
    for (const [key, earlier] of firstOfRelease) {
      if (key.startsWith(`${recipe}@`) && earlier.release < spec.release) earlier.followUp.push(owed);
    }
    if (!firstOfRelease.has(`${recipe}@${spec.release}`))
      firstOfRelease.set(`${recipe}@${spec.release}`, spec);
    plan.migrations.push(spec);
  }
  plan.retargets = retargets(phased, done);
  return plan;
}
