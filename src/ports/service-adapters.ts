import type { BackfillConfig } from "../config/backfill-schema.js";
import type { LiveFactsConfig } from "../config/live-facts-schema.js";
import type { LockGuardConfig } from "../config/lock-guard-schema.js";
import type { AnalysisRules, Threshold } from "../domain/run/analysis.js";
import type { ChangeWindow } from "../domain/run/change-windows.js";
import type { Deployer } from "./deployer.js";
import type { Executor } from "./executor.js";
import type { LiveFactsReader } from "./live-facts.js";
import type { MetricsSource } from "./metrics-source.js";
import type { RolloutWatcher } from "./rollout-watcher.js";

/** How to run `manage.py migrate` for a service. */
export interface MigrateSettings {
  python: string[];
  /** Absolute directory of manage.py. */
  projectDir: string;
  managePy: string;
  env: Record<string, string>;
  timeoutMs: number;
}

/** A service's analysis gate: what it asks its metrics server, and its rules. */
export interface AnalysisSettings {
  /** Null when the analysis is a soak only (no queries). */
  source: MetricsSource | null;
  queries: Array<{ name: string; query: string; threshold: Threshold }>;
  rules: AnalysisRules;
  intervalMs: number;
}

export interface PollingSettings {
  intervalMs: number;
  maxIntervalMs: number;
  deadlineMs: number;
}

/** Everything a worker needs to run one service's steps, built from its ServiceConfig. */
export interface ServiceAdapters {
  executor: Executor;
  /** The executor runs commands in the release's image (a Kubernetes Job), not next to phasegate. */
  remoteExecutor: boolean;
  deployer: Deployer;
  rollout: RolloutWatcher;
  polling: PollingSettings;
  migrate: MigrateSettings;
  /** How long the introspection helper (plan, start) may run before it is killed with its process group. */
  introspectionTimeoutMs: number;
  lockGuard: LockGuardConfig;
  /**
   * What goes between the Python command and `manage.py migrate` to run it under the lock guard (and the migrate
   * lock: one migrate per database at a time), and its settings.
   */
  lockGuardWrapper: { argv: string[]; env: Record<string, string> };
  /** Live facts about the service's database (src/django/live-facts.ts), read through its executor. */
  liveFacts: { config: LiveFactsConfig; read: LiveFactsReader };
  /** The service's backfill command, null when it declares none. */
  backfill: BackfillConfig | null;
  /** The service's analysis gate, null when it declares none. */
  analysis: AnalysisSettings | null;
  approvalTimeoutMs: number;
  /** When the service's contract steps may start; empty: any time. */
  windows: ChangeWindow[];
  /** Reminders and escalation of a waiting gate, in ms after it opened; null when the service sets none. */
  reminders: { firstMs: number; everyMs: number | null; escalateMs: number | null } | null;
}

/** Each service's adapters, built on first use. */
export interface AdapterFactory {
  (service: string): Promise<ServiceAdapters>;
  /** Releases what the built adapters hold (HTTP connections, Git mirrors); again: nothing more to do. */
  close(): Promise<void>;
}
