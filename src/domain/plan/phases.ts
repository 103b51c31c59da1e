import { type ClassifiedEntry, classifyMigrationEntries } from "../classify/classify.js";
import { type Introspection, migrationLabel, type PendingMigration } from "../classify/migration.js";
import type { ReleaseNews } from "../classify/release-tables.js";

/** A pending migration, its classified operations and the phase it runs in. */
export interface PhasedMigration {
  migration: PendingMigration;
  label: string;
  entries: ClassifiedEntry[];
  /** What its own operations (or its override) ask for; neutral when they emit nothing that matters. */
  ownPhase: "expand" | "contract" | "neutral";
  phase: "expand" | "contract";
  /** The nearest pending contract migrations it depends on, directly or through neutral ones. */
  contractDependencies: string[];
}

function ownPhaseOf(migration: PendingMigration, entries: ClassifiedEntry[]): PhasedMigration["ownPhase"] {
  if (migration.override) return migration.override.phase === "contract" ? "contract" : "expand";
  const verdicts = new Set(entries.map((e) => e.result.verdict));
  if (verdicts.has("contract")) return "contract";
  return verdicts.has("expand") ? "expand" : "neutral";
}

/** Label of every pending migration, and of every migration a pending squash replaces, to the pending one. */
function pendingLabels(pending: readonly PendingMigration[]): Map<string, string> {
  const labels = new Map<string, string>();
  for (const migration of pending) {
    const label = migrationLabel(migration);
    labels.set(label, label);
    for (const replaced of migration.replaces) labels.set(migrationLabel(replaced), label);
  }
  return labels;
}

/** The app's first migration: marked initial, or a 0001 that depends on no migration of its own app. */
function isFirstOfApp(migration: PendingMigration): boolean {
  const root =
    migration.name.startsWith("0001_") && !migration.dependencies.some((d) => d.app === migration.app);
  return migration.initial || root;
}

/** Classifies every pending migration and decides its phase; pending is in the order Django applies it. */
export function assignPhases(introspection: Introspection): PhasedMigration[] {
  const labels = pendingLabels(introspection.pending);
  const byLabel = new Map<string, PhasedMigration>();
  const appliedApps = new Set(introspection.applied.map((m) => m.app));
  const news: ReleaseNews = {
    tables: new Map(),
    apps: new Set(
      introspection.pending.filter((m) => isFirstOfApp(m) && !appliedApps.has(m.app)).map((m) => m.app),
    ),
  };
  return introspection.pending.map((migration) => {
    const entries = classifyMigrationEntries(migration, introspection.vendor, news);
    const ownPhase = ownPhaseOf(migration, entries);
    const contractDependencies = new Set<string>();
    for (const dependency of migration.dependencies) {
      const parent = byLabel.get(labels.get(migrationLabel(dependency)) ?? "");
      if (!parent) continue;
      if (parent.ownPhase === "contract") contractDependencies.add(parent.label);
      else for (const label of parent.contractDependencies) contractDependencies.add(label);
    }
    const phased: PhasedMigration = {
      migration,
      label: migrationLabel(migration),
      entries,
      ownPhase,
      phase:
        ownPhase === "contract" || (ownPhase === "neutral" && contractDependencies.size > 0)
          ? "contract"
          : "expand",
      contractDependencies: [...contractDependencies],
    };
    byLabel.set(phased.label, phased);
    return phased;
  });
}
