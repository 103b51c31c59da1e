import path from "node:path";
import { ExternalDeployer, PipelineDeployWatcher } from "../app/external-deploy.js";
import { getService, type LoadedServices } from "../config/load-services.js";
import type { ServiceConfig } from "../config/services-schema.js";
import { liveFactsReader } from "../django/live-facts.js";
import { guardArgv, guardEnv } from "../django/migrate-wrapper.js";
import { resolvePython } from "../django/python.js";
import { LocalProcessExecutor } from "../executors/local-process.js";
import { launcherSpawner } from "../executors/process-launcher.js";
import { HelmDeployer } from "../helm/deployer.js";
import { CommandDeployer } from "../hooks/command-deployer.js";
import { CommandRolloutWatcher } from "../hooks/command-watcher.js";
import { HttpRolloutWatcher } from "../hooks/http-watcher.js";
import type { ProcessLedger } from "../ports/attempt-processes.js";
import type { Deployer } from "../ports/deployer.js";
import type { Executor } from "../ports/executor.js";
import type { Logger } from "../ports/logger.js";
import type { PipelineDeploys, WorkloadWatch } from "../ports/pipeline-store.js";
import type { RolloutWatcher } from "../ports/rollout-watcher.js";
import type {
  AdapterFactory,
  AnalysisSettings,
  MigrateSettings,
  ServiceAdapters,
} from "../ports/service-adapters.js";
import { PrometheusClient } from "../prometheus/prometheus-client.js";
import type { GitOpsDeployerConfig } from "./gitops-adapters.js";

/**
 * Loaded for the services that use them only: the Kubernetes client brings the undici package (megabytes of heap a
 * worker without Kubernetes or GitOps would carry for nothing).
 */
const kubernetes = () => import("../kubernetes/adapters.js");
const gitOps = () => import("./gitops-adapters.js");

interface Context {
  name: string;
  loaded: LoadedServices;
  /** Deploy and rollout commands run where phasegate runs, whatever executes the migrations. */
  local: Executor;
  logger: Logger;
  /** What pipelines reported through the API (pipeline mode). */
  pipelineDeploys: PipelineDeploys;
  /** What the adapters open and the factory closes: Kubernetes and Argo CD clients, Git committers. */
  held: { close(): Promise<void> }[];
}

function k8sContext(context: Context) {
  return { service: context.name, baseDir: context.loaded.baseDir, log: context.logger, held: context.held };
}

async function executorOf(config: ServiceConfig, context: Context): Promise<Executor> {
  const executor = config.executor;
  if (executor.kind === "local") return context.local;
  return (await kubernetes()).kubernetesExecutor(executor, k8sContext(context));
}

type DeployerConfig = ServiceConfig["deployer"];

/** Pipeline mode's watched workload, if the services file names one. */
async function watchOf(config: ServiceConfig, context: Context): Promise<WorkloadWatch | null> {
  const deployer = config.deployer;
  if (deployer.kind !== "external" || !deployer.watch) return null;
  return (await kubernetes()).workloadVersionReader(deployer.watch, k8sContext(context));
}

async function deployerOf(
  deployer: Exclude<DeployerConfig, GitOpsDeployerConfig>,
  context: Context,
  watch: WorkloadWatch | null,
): Promise<Deployer> {
  switch (deployer.kind) {
    case "external":
      return new ExternalDeployer(watch);
    case "command":
      return new CommandDeployer(deployer, context.loaded.baseDir, context.local);
    case "helm":
      return new HelmDeployer(deployer, context.loaded.baseDir, context.local);
    case "kubernetes":
      return (await kubernetes()).kubernetesDeployer(deployer, k8sContext(context));
  }
}

/** The deployer and the rollout watcher; a GitOps tool's status is watched before the `rollout` section's. */
async function deployAdapters(config: ServiceConfig, context: Context) {
  const { deployer } = config;
  const watch = await watchOf(config, context);
  const rollout = await rolloutOf(config, context, watch);
  if (deployer.kind === "argocd" || deployer.kind === "flux") {
    const { gitOpsAdapters, statusThenRollout } = await gitOps();
    const adapters = gitOpsAdapters(deployer, k8sContext(context));
    return { deployer: adapters.deployer, rollout: statusThenRollout(adapters.status, rollout) };
  }
  return { deployer: await deployerOf(deployer, context, watch), rollout };
}

async function rolloutOf(
  config: ServiceConfig,
  context: Context,
  watch: WorkloadWatch | null,
): Promise<RolloutWatcher> {
  const watcher = await ownRolloutOf(config, context);
  if (config.deployer.kind !== "external") return watcher;
  return new PipelineDeployWatcher(context.pipelineDeploys, watch, watcher);
}

async function ownRolloutOf(config: ServiceConfig, context: Context): Promise<RolloutWatcher> {
  const rollout = config.rollout;
  switch (rollout.kind) {
    case "command":
      return new CommandRolloutWatcher(rollout, context.loaded.baseDir, context.local);
    case "http":
      return new HttpRolloutWatcher(rollout);
    case "kubernetes":
      return (await kubernetes()).kubernetesRolloutWatcher(rollout, k8sContext(context));
  }
}

async function migrateOf(config: ServiceConfig, context: Context): Promise<MigrateSettings> {
  const { project } = config;
  const projectDir = path.resolve(context.loaded.baseDir, project.path);
  // A Job runs in the release image, where no Python can be detected from here: the image's `python` then.
  const python =
    config.executor.kind === "local"
      ? await resolvePython(context.local, projectDir, project.python)
      : (project.python ?? ["python"]);
  return {
    python,
    projectDir,
    managePy: project.managePy,
    env: { ...project.env, ...(project.settings ? { DJANGO_SETTINGS_MODULE: project.settings } : {}) },
    timeoutMs: config.timeouts.migrateSeconds * 1000,
  };
}

function liveFactsOf(config: ServiceConfig, executor: Executor, migrate: MigrateSettings) {
  const { liveFacts } = config;
  const read = liveFactsReader({
    executor,
    projectDir: migrate.projectDir,
    python: migrate.python,
    env: migrate.env,
    inline: config.executor.kind !== "local",
    timeoutMs: liveFacts.timeoutSeconds * 1000,
    idleSeconds: liveFacts.idleInTransactionSeconds,
    maxSessions: liveFacts.maxSessions,
  });
  return { config: liveFacts, read };
}

function analysisOf(config: ServiceConfig, context: Context): AnalysisSettings | null {
  const analysis = config.analysis;
  if (!analysis) return null;
  const { prometheus } = analysis;
  return {
    source: prometheus
      ? new PrometheusClient({
          url: prometheus.url,
          bearerTokenFile: prometheus.bearerTokenFile
            ? path.resolve(context.loaded.baseDir, prometheus.bearerTokenFile)
            : null,
          timeoutMs: prometheus.timeoutSeconds * 1000,
          logger: context.logger,
        })
      : null,
    queries: analysis.queries,
    rules: {
      minimumSoakMs: analysis.minimumSoakSeconds * 1000,
      consecutiveFailures: analysis.consecutiveFailures,
      timeoutMs: analysis.timeoutSeconds * 1000,
    },
    intervalMs: analysis.intervalSeconds * 1000,
  };
}

async function build(config: ServiceConfig, context: Context): Promise<ServiceAdapters> {
  const { rollout, deployer } = config;
  const executor = await executorOf(config, context);
  const migrate = await migrateOf(config, context);
  // In pipeline mode the wait covers the pipeline's deploy too.
  const pipelineSeconds = deployer.kind === "external" ? deployer.timeoutSeconds : 0;
  return {
    executor,
    remoteExecutor: config.executor.kind !== "local",
    ...(await deployAdapters(config, context)),
    polling: {
      intervalMs: rollout.pollIntervalSeconds * 1000,
      maxIntervalMs: rollout.maxPollIntervalSeconds * 1000,
      deadlineMs: (rollout.deadlineSeconds + pipelineSeconds) * 1000,
    },
    migrate,
    liveFacts: liveFactsOf(config, executor, migrate),
    introspectionTimeoutMs: config.introspection.timeoutSeconds * 1000,
    lockGuard: config.lockGuard,
    lockGuardWrapper: {
      argv: guardArgv(config.executor.kind !== "local"),
      env: guardEnv(config.lockGuard, config.timeouts.migrateSeconds * 1000),
    },
    backfill: config.backfill ?? null,
    analysis: analysisOf(config, context),
    approvalTimeoutMs: config.timeouts.approvalSeconds * 1000,
    windows: config.windows ?? [],
    reminders: config.reminders
      ? {
          firstMs: config.reminders.remindAfterSeconds * 1000,
          everyMs: config.reminders.remindEverySeconds ? config.reminders.remindEverySeconds * 1000 : null,
          escalateMs: config.reminders.escalateAfterSeconds
            ? config.reminders.escalateAfterSeconds * 1000
            : null,
        }
      : null,
  };
}

/** Builds each service's adapters from the services file once, on first use; `close` releases what they hold. */
export function createAdapterFactory(
  loaded: LoadedServices,
  logger: Logger,
  pipelineDeploys: PipelineDeploys,
  ledger?: ProcessLedger,
): AdapterFactory {
  // A bot and a worker live long and start many commands: through the launcher, off their event loop.
  const local = new LocalProcessExecutor({ ledger, spawner: launcherSpawner() });
  const built = new Map<string, Promise<ServiceAdapters>>();
  const held: Context["held"] = [];
  let closed = false;
  const factory = (name: string) => {
    // After close nothing would close what new adapters open: asking then fails instead of building them.
    if (closed) return Promise.reject(new Error(`the adapters of ${name} were asked for after their close`));
    let adapters = built.get(name);
    if (!adapters) {
      adapters = build(getService(loaded, name), { name, loaded, local, logger, pipelineDeploys, held });
      // A failure (no Python found) is not cached: the next use tries again.
      adapters.catch(() => built.delete(name));
      built.set(name, adapters);
    }
    return adapters;
  };
  async function close() {
    closed = true;
    await Promise.allSettled(built.values());
    const closing = await Promise.allSettled(held.splice(0).map((resource) => resource.close()));
    for (const result of closing)
      if (result.status === "rejected")
        logger.warn({ err: result.reason }, "could not release what a service's adapters held");
  }
  return Object.assign(factory, { close });
}
