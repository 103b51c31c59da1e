import { ConfigApprovers } from "../app/access.js";
import { createUseCases } from "../app/create-use-cases.js";
import { IntrospectionSlots } from "../app/introspection-slots.js";
import { JoinedReads } from "../app/joined-reads.js";
import { LogNotifier } from "../app/log-notifier.js";
import { CompositeNotifier } from "../app/notifiers.js";
import type { WorkerDeps } from "../app/process-step.js";
import type { LoadedServices } from "../config/load-services.js";
import { finishedRunMs } from "../config/retention-schema.js";
import { LedgerAttemptProcesses } from "../executors/earlier-processes.js";
import { MetricsNotifier } from "../metrics/metrics-notifier.js";
import type { RedisClient } from "../net/redis/connect.js";
import type { GateReminders } from "../ports/gate-reminders.js";
import type { Logger } from "../ports/logger.js";
import type { Notifier } from "../ports/notifier.js";
import type { PipelineStore } from "../ports/pipeline-store.js";
import type { RunStore } from "../ports/run-store.js";
import type { AdapterFactory } from "../ports/service-adapters.js";
import type { ServiceIntrospector } from "../ports/service-introspector.js";
import type { StepQueue } from "../ports/step-queue.js";
import type { UseCases } from "../ports/use-cases.js";
import type { UsergroupDirectory } from "../ports/usergroup-directory.js";
import { BullStepQueue } from "../queue/bull-step-queue.js";
import { storeKeys } from "../store/keys.js";
import { RedisFollowUps } from "../store/redis-follow-ups.js";
import { RedisFreezeStore } from "../store/redis-freezes.js";
import { RedisPipelineStore } from "../store/redis-pipeline-store.js";
import { RedisProcessLedger } from "../store/redis-process-ledger.js";
import { RedisReleaseHistory } from "../store/redis-release-history.js";
import { RedisRewriteRates } from "../store/redis-rewrite-rates.js";
import { RedisRunStore } from "../store/redis-run-store.js";
import { logger as defaultLogger } from "../telemetry/pino-logger.js";
import { createAdapterFactory } from "./adapter-factory.js";
import { djangoIntrospector } from "./django-introspector.js";
import { maxIntrospectionsFromEnv } from "./introspection-limit.js";

export interface EngineOptions {
  /** A connection made with `maxRetriesPerRequest: null` (BullMQ needs it). */
  redis: RedisClient;
  /** Every key (runs, locks, audit, queue) lives under it. */
  prefix: string;
  services: LoadedServices;
  /** Told about every change besides the log (Slack, metrics). */
  notifiers?: Notifier[];
  /** Reminds the approvers of a waiting gate (Slack's); without it reminders are only logged. */
  reminders?: GateReminders;
  /** Resolves access.approvers.usergroups (Slack's); without it only the listed users may approve. */
  usergroups?: UsergroupDirectory;
  introspect?: ServiceIntrospector;
  adapters?: AdapterFactory;
  logger?: Logger;
  now?: () => Date;
  /** How soon a remote executor is asked again about a running command (default 5 s). */
  executorPollMs?: number;
  /** How often a running step checks for a cancel made elsewhere (default 1 s). */
  cancelPollMs?: number;
  /** Store writes not carried out within this long are never carried out (the engine answering Slack sets it). */
  writeBudgetMs?: number;
  /** Introspections (Django processes) this process runs at once (default 4); more wait in line. */
  maxIntrospections?: number;
  /** How long a start waits for an introspection slot before it is told how many are ahead (1 s by default). */
  introspectionNoticeMs?: number;
}

/** Callers waiting for an introspection slot past this many are turned away ("try again in a minute"). */
const MAX_WAITING_INTROSPECTIONS = 200;

/** Everything the Slack app, the CLI and the workers share: one store, one queue, the use cases. */
export interface Engine {
  redis: RedisClient;
  prefix: string;
  store: RunStore;
  queue: StepQueue;
  useCases: UseCases;
  workerDeps: WorkerDeps;
  /** The pipeline API's reported deploys, idempotency keys and audit. */
  pipeline: PipelineStore;
  /** The services of the services file. */
  serviceNames: string[];
  /** How long a finished run and its audit are kept (ms): a run id not found may be older. */
  finishedRunMs: number;
  /**
   * Closes the queue and what the services' adapters hold (connections, Git mirrors); the Redis connection belongs
   * to the caller.
   */
  close(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  const logger = options.logger ?? defaultLogger;
  const now = options.now ?? (() => new Date());
  const keepMs = finishedRunMs(options.services.retention);
  const store = new RedisRunStore(options.redis, options.prefix, {
    writeBudgetMs: options.writeBudgetMs,
    finishedRunMs: keepMs,
  });
  const queue = new BullStepQueue(options.redis, storeKeys(options.prefix).bull());
  const notifier = new CompositeNotifier(
    [new LogNotifier(logger), new MetricsNotifier(), ...(options.notifiers ?? [])],
    logger,
  );
  const ledger = new RedisProcessLedger(options.redis, options.prefix);
  const pipeline = new RedisPipelineStore(options.redis, options.prefix);
  const adapters = options.adapters ?? createAdapterFactory(options.services, logger, pipeline, ledger);
  const workerDeps: WorkerDeps = {
    processes: new LedgerAttemptProcesses(ledger, logger),
    store,
    notifier,
    logger,
    now,
    queue,
    reminders: options.reminders ?? null,
    adapters,
    releases: new RedisReleaseHistory(options.redis, options.prefix),
    executorPollMs: options.executorPollMs ?? 5000,
    cancelPollMs: options.cancelPollMs ?? 1000,
    freezes: new RedisFreezeStore(options.redis, options.prefix, options.writeBudgetMs),
    rewriteRates: new RedisRewriteRates(options.redis, options.prefix),
  };
  const useCases = createUseCases({
    ...workerDeps,
    services: options.services,
    approvers: new ConfigApprovers(options.services, options.usergroups ?? null),
    introspect: options.introspect ?? djangoIntrospector(now),
    followUps: new RedisFollowUps(options.redis, options.prefix),
    introspections: new IntrospectionSlots(
      options.maxIntrospections ?? maxIntrospectionsFromEnv() ?? 4,
      MAX_WAITING_INTROSPECTIONS,
      options.introspectionNoticeMs,
    ),
    readsInFlight: new JoinedReads(),
    starting: new Set(),
  });
  return {
    redis: options.redis,
    prefix: options.prefix,
    store,
    queue,
    useCases,
    workerDeps,
    pipeline,
    serviceNames: Object.keys(options.services.services),
    finishedRunMs: keepMs,
    async close() {
      try {
        await queue.close();
      } finally {
        await adapters.close();
      }
    },
  };
}
