import { type Introspection, type MigrationKey, migrationLabel } from "../classify/migration.js";

/** A migration a later release owes: declared by `phasegate_follow_up` on a migration a run applied. */
export interface OwedFollowUp extends MigrationKey {
  phase: "expand" | "contract" | null;
  /** The migration that declared it. */
  owedBy: MigrationKey;
  /** The run and release that shipped that migration. */
  runId: string;
  version: string;
  at: string;
}

/** What the follow-ups mean for one release. */
export interface FollowUpReport {
  /** Owed ones this release applies (or that are applied already). */
  settles: OwedFollowUp[];
  /** Owed ones this release does not contain: the release ships without them, they stay owed. */
  missing: OwedFollowUp[];
  /** What this release's migrations declare the next releases owe. */
  owes: Omit<OwedFollowUp, "runId" | "version" | "at">[];
}

/** Compares what is owed with what the release contains and declares; pure. */
export function followUpReport(owed: OwedFollowUp[], introspection: Introspection): FollowUpReport {
  const pending = new Set(introspection.pending.map(migrationLabel));
  const present = new Set([...pending, ...introspection.applied.map(migrationLabel)]);
  const owes = introspection.pending.flatMap((m) =>
    m.followUp
      .map((f) => ({ app: m.app, name: f.name, phase: f.phase, owedBy: { app: m.app, name: m.name } }))
      .filter((f) => !pending.has(migrationLabel(f))),
  );
  return {
    settles: owed.filter((o) => present.has(migrationLabel(o))),
    missing: owed.filter((o) => !present.has(migrationLabel(o))),
    owes,
  };
}

/** "owed from shop v41: inventory.0004_stock_warehouse_not_null (contract)" */
export function describeOwed(service: string, owed: OwedFollowUp): string {
  return `owed from ${service} ${owed.version}: ${migrationLabel(owed)}${owed.phase ? ` (${owed.phase})` : ""}`;
}
