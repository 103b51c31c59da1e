import type { ClassifiedEntry } from "../classify/classify.js";
import { type Introspection, migrationLabel } from "../classify/migration.js";
import type { PhasedMigration } from "./phases.js";
import type { Refusal } from "./plan.js";

function key(phased: PhasedMigration) {
  return { app: phased.migration.app, name: phased.migration.name };
}

function listOperations(entries: ClassifiedEntry[]): string {
  return entries.map((e) => `${e.result.path} ${e.result.description}`).join(", ");
}

function unsafeRefusals(phased: PhasedMigration): Refusal[] {
  return phased.entries
    .filter((e) => e.result.verdict === "unsafe")
    .map(({ result }) => ({
      code: "unsafe-operation",
      migration: key(phased),
      operation: result.path,
      message: `${phased.label} operation ${result.path} (${result.description}) is unsafe: ${result.reason}`,
      recipe: result.recipe ?? [],
    }));
}

function mixedRefusal(phased: PhasedMigration): Refusal[] {
  const expand = phased.entries.filter((e) => e.result.verdict === "expand");
  const contract = phased.entries.filter((e) => e.result.verdict === "contract");
  if (expand.length === 0 || contract.length === 0) return [];
  return [
    {
      code: "mixed-migration",
      migration: key(phased),
      operation: null,
      message: `${phased.label} mixes expand operations (${listOperations(expand)}) with contract operations (${listOperations(contract)}): the first must run before the deploy, the others after the rollout.`,
      recipe: [
        `Split it in two migrations: ${phased.label} keeps the expand operations (${listOperations(expand)}).`,
        `A new migration that depends on it holds the contract operations (${listOperations(contract)}); phasegate applies it after the rollout and the approval.`,
      ],
    },
  ];
}

function orderRefusal(phased: PhasedMigration): Refusal[] {
  if (phased.ownPhase !== "expand" || phased.contractDependencies.length === 0) return [];
  const parents = phased.contractDependencies.join(", ");
  return [
    {
      code: "contract-before-expand",
      migration: key(phased),
      operation: null,
      message: `${phased.label} must run before the deploy (expand) but depends on ${parents}, which can only run after the rollout (contract).`,
      recipe: [
        `Move ${phased.label} to the next release, once ${parents} is applied.`,
        `Or, if it does not need ${parents}, make it depend on an earlier migration instead.`,
      ],
    },
  ];
}

/** Every reason the release cannot be planned, in the order of the pending migrations. */
export function findRefusals(migrations: PhasedMigration[]): Refusal[] {
  return migrations.flatMap((phased) => [
    ...unsafeRefusals(phased),
    ...(phased.migration.override ? [] : mixedRefusal(phased)),
    ...orderRefusal(phased),
  ]);
}

/** A release without migrations the database has applied is older than the schema: its code may not run on it. */
export function downgradeRefusals(introspection: Introspection): Refusal[] {
  const missing = introspection.appliedNotInRelease;
  const [first] = missing;
  if (!first) return [];
  const labels = missing.map(migrationLabel).join(", ");
  return [
    {
      code: "release-behind-database",
      migration: first,
      operation: null,
      message: `The database has applied ${missing.length === 1 ? "a migration" : `${missing.length} migrations`} this release does not have: ${labels}. The release is older than the schema (a downgrade), and phasegate plans forward only.`,
      recipe: [
        "Release a version that contains these migrations (the one that applied them, or a later one).",
        "To really go back, reverse them first with manage.py migrate <app> <migration> from the release that has them, then plan this release.",
      ],
    },
  ];
}
