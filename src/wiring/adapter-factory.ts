import path from "node:path";
import { ExternalDeployer, PipelineDeployWatcher } from "../app/external-deploy.js";
import { getService, type LoadedServices } from "../config/load-services.js";
import type { ServiceConfig } from "../config/services-schema.js";
import { guardArgv, guardEnv } from "../django/migrate-wrapper.js";
import { resolvePython } from "../django/python.js";
import { LocalProcessExecutor } from "../executors/local-process.js";
import { HelmDeployer } from "../helm/deployer.js";
import { CommandDeployer } from "../hooks/command-deployer.js";
import { CommandRolloutWatcher } from "../hooks/command-watcher.js";
import { HttpRolloutWatcher } from "../hooks/http-watcher.js";
import {
  kubernetesDeployer,
  kubernetesExecutor,
  kubernetesRolloutWatcher,
  workloadVersionReader,
} from "../kubernetes/adapters.js";
import type { ProcessLedger } from "../ports/attempt-processes.js";
import type { Deployer } from "../ports/deployer.js";
import type { Executor } from "../ports/executor.js";
import type { Logger } from "../ports/logger.js";
import type { PipelineDeploys, WorkloadWatch } from "../ports/pipeline-store.js";
import type { RolloutWatcher } from "../ports/rollout-watcher.js";
import type { AdapterFactory, MigrateSettings, ServiceAdapters } from "../ports/service-adapters.js";

interface Context {
  name: string;
  loaded: LoadedServices;
  /** Deploy and rollout commands run where phasegate runs, whatever executes the migrations. */
  local: Executor;
  logger: Logger;
  /** What pipelines reported through the API (pipeline mode). */
  pipelineDeploys: PipelineDeploys;
}

function k8sContext(context: Context) {
  return { service: context.name, baseDir: context.loaded.baseDir, log: context.logger };
}

function executorOf(config: ServiceConfig, context: Context): Executor {
  const executor = config.executor;
  return executor.kind === "local" ? context.local : kubernetesExecutor(executor, k8sContext(context));
}

/** Pipeline mode's watched workload, if the services file names one. */
function watchOf(config: ServiceConfig, context: Context): WorkloadWatch | null {
  const deployer = config.deployer;
  if (deployer.kind !== "external" || !deployer.watch) return null;
  return workloadVersionReader(deployer.watch, k8sContext(context));
}

function deployerOf(config: ServiceConfig, context: Context, watch: WorkloadWatch | null): Deployer {
  const deployer = config.deployer;
  switch (deployer.kind) {
    case "external":
      return new ExternalDeployer(watch);
    case "command":
      return new CommandDeployer(deployer, context.loaded.baseDir, context.local);
    case "helm":
      return new HelmDeployer(deployer, context.loaded.baseDir, context.local);
    case "kubernetes":
      return kubernetesDeployer(deployer, k8sContext(context));
  }
}

function rolloutOf(config: ServiceConfig, context: Context, watch: WorkloadWatch | null): RolloutWatcher {
  const watcher = ownRolloutOf(config, context);
  if (config.deployer.kind !== "external") return watcher;
  return new PipelineDeployWatcher(context.pipelineDeploys, watch, watcher);
}

function ownRolloutOf(config: ServiceConfig, context: Context): RolloutWatcher {
  const rollout = config.rollout;
  switch (rollout.kind) {
    case "command":
      return new CommandRolloutWatcher(rollout, context.loaded.baseDir, context.local);
    case "http":
      return new HttpRolloutWatcher(rollout);
    case "kubernetes":
      return kubernetesRolloutWatcher(rollout, k8sContext(context));
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

async function build(config: ServiceConfig, context: Context): Promise<ServiceAdapters> {
  const { rollout, deployer } = config;
  const watch = watchOf(config, context);
  // In pipeline mode the wait covers the pipeline's deploy too.
  const pipelineSeconds = deployer.kind === "external" ? deployer.timeoutSeconds : 0;
  return {
    executor: executorOf(config, context),
    remoteExecutor: config.executor.kind !== "local",
    deployer: deployerOf(config, context, watch),
    rollout: rolloutOf(config, context, watch),
    polling: {
      intervalMs: rollout.pollIntervalSeconds * 1000,
      maxIntervalMs: rollout.maxPollIntervalSeconds * 1000,
      deadlineMs: (rollout.deadlineSeconds + pipelineSeconds) * 1000,
    },
    migrate: await migrateOf(config, context),
    introspectionTimeoutMs: config.introspection.timeoutSeconds * 1000,
    lockGuard: config.lockGuard,
    lockGuardWrapper: {
      argv: guardArgv(config.executor.kind !== "local"),
      env: guardEnv(config.lockGuard, config.timeouts.migrateSeconds * 1000),
    },
    backfill: config.backfill ?? null,
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

/** Builds each service's adapters from the services file once, on first use. */
export function createAdapterFactory(
  loaded: LoadedServices,
  logger: Logger,
  pipelineDeploys: PipelineDeploys,
  ledger?: ProcessLedger,
): AdapterFactory {
  const local = new LocalProcessExecutor({ ledger });
  const built = new Map<string, Promise<ServiceAdapters>>();
  return (name) => {
    let adapters = built.get(name);
    if (!adapters) {
      adapters = build(getService(loaded, name), { name, loaded, local, logger, pipelineDeploys });
      // A failure (no Python found) is not cached: the next use tries again.
      adapters.catch(() => built.delete(name));
      built.set(name, adapters);
    }
    return adapters;
  };
}
