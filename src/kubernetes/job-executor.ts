import type { KubernetesExecutorConfig } from "../config/kubernetes-schema.js";
import type { CommandRequest, CommandResult, Execution, Executor } from "../ports/executor.js";
import type { Logger } from "../ports/logger.js";
import { logger as rootLogger } from "../telemetry/pino-logger.js";
import type { KubernetesClient } from "./client.js";
import { containerName, jobManifest, keyAnnotation } from "./job-manifest.js";
import { jobName } from "./job-name.js";
import { commandResult, jobOutcome, latestPod, waitingReason } from "./job-result.js";
import { startFailure } from "./job-start.js";
import { type PodBase, podBase } from "./job-template.js";
import { isConflict, isNotFound, KubernetesError } from "./kubernetes-error.js";
import { readLogTail } from "./log-tail.js";
import { deploymentPath, jobPath, jobsPath, podLogPath, podsPath } from "./paths.js";
import { releaseImage } from "./release-image.js";
import {
  deletedSchema,
  deploymentSchema,
  type Job,
  jobSchema,
  type Pod,
  podListSchema,
} from "./resources.js";

/**
 * The most of the log's tail read at once (the API's limitBytes): tailLines does not bound bytes, and one enormous
 * line must not be read whole. 10,000 lines (logTailLines' maximum) of 200 bytes fit in it.
 */
export const LOG_LIMIT_BYTES = 2 * 1024 * 1024;

/**
 * Runs a command as a Kubernetes Job in the release image. The first call creates the Job (named after
 * `request.key`) and answers `running`; later calls with the same key find it and answer `running` until it is
 * Complete or Failed, then return the tail of its pod's log as stdout with the container's exit code.
 * A finished Job is not deleted: its TTL (job.ttlSecondsAfterFinished) removes it, so a step retried after a crash
 * reads the result again instead of running the command a second time. A Job whose pod cannot start within
 * job.podStartTimeoutSeconds is deleted and reported as timed out, so it cannot run later behind the run's back. `request.cwd` is a local path and is ignored;
 * the command runs in job.workingDir of the image.
 */
export class KubernetesJobExecutor implements Executor {
  constructor(
    private readonly config: KubernetesExecutorConfig,
    private readonly client: KubernetesClient,
    private readonly service: string,
    private readonly log: Logger = rootLogger,
  ) {}

  async execute(request: CommandRequest, signal?: AbortSignal): Promise<Execution> {
    const name = jobName(request.key);
    const job = (await this.find(name, signal)) ?? (await this.create(request, name, signal));
    const owner = job.metadata.annotations[keyAnnotation];
    if (owner !== request.key) {
      throw new KubernetesError(
        "conflict",
        `Job ${name} in namespace ${this.config.namespace} belongs to execution "${owner ?? "unknown"}", not "${request.key}": delete it or use another key`,
      );
    }
    const outcome = jobOutcome(job);
    const pod = latestPod(await this.pods(name, signal));
    if (!outcome.finished) {
      const timeoutMs = this.config.job.podStartTimeoutSeconds * 1000;
      const stuck = startFailure(pod, Date.now(), timeoutMs);
      if (stuck) return { state: "finished", result: await this.abandon(job, stuck, signal) };
      return { state: "running", message: this.progress(name, pod) };
    }
    const log = pod ? await this.tail(pod, signal) : "(the Job's pod is gone: no log)\n";
    this.log.info(
      { job: name, namespace: this.config.namespace, succeeded: outcome.succeeded },
      "job finished",
    );
    return { state: "finished", result: commandResult(job, outcome, pod, containerName, log) };
  }

  private async find(name: string, signal?: AbortSignal): Promise<Job | undefined> {
    try {
      return await this.client.json(
        { method: "GET", path: jobPath(this.config.namespace, name) },
        jobSchema,
        signal,
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async create(request: CommandRequest, name: string, signal?: AbortSignal): Promise<Job> {
    const image = releaseImage(this.config.image, { service: this.service, version: request.version });
    const body = jobManifest(this.config, request, name, image, await this.podBase(signal));
    try {
      const job = await this.client.json(
        { method: "POST", path: jobsPath(this.config.namespace), body },
        jobSchema,
        signal,
      );
      this.log.info({ job: name, namespace: this.config.namespace, key: request.key }, "job created");
      return job;
    } catch (error) {
      // Created by a concurrent or earlier attempt whose answer was lost: use that one.
      if (isConflict(error)) {
        return this.client.json(
          { method: "GET", path: jobPath(this.config.namespace, name) },
          jobSchema,
          signal,
        );
      }
      throw error;
    }
  }

  /** Deletes a Job whose pod cannot start, so it does not run the command later, and reports it as timed out. */
  private async abandon(job: Job, why: string, signal?: AbortSignal): Promise<CommandResult> {
    const name = job.metadata.name;
    try {
      await this.client.json(
        {
          method: "DELETE",
          path: jobPath(this.config.namespace, name),
          query: { propagationPolicy: "Background" },
        },
        deletedSchema,
        signal,
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    const seconds = this.config.job.podStartTimeoutSeconds;
    const started = Date.parse(job.status.startTime ?? "");
    this.log.warn({ job: name, namespace: this.config.namespace, why }, "job pod cannot start: job deleted");
    return {
      exitCode: null,
      signal: null,
      timedOut: true,
      stdout: "",
      stderr: `Job ${name} in namespace ${this.config.namespace} could not start its pod within ${seconds} s (${why}); phasegate deleted the Job so it cannot run later\n`,
      durationMs: Number.isFinite(started) ? Math.max(0, Date.now() - started) : 0,
    };
  }

  private async podBase(signal?: AbortSignal): Promise<PodBase | undefined> {
    const from = this.config.job.fromDeployment;
    if (!from) return undefined;
    const path = deploymentPath(this.config.namespace, from.name);
    return podBase(await this.client.json({ method: "GET", path }, deploymentSchema, signal), from.container);
  }

  private async pods(name: string, signal?: AbortSignal): Promise<Pod[]> {
    const query = { labelSelector: `job-name=${name}` };
    const list = await this.client.json(
      { method: "GET", path: podsPath(this.config.namespace), query },
      podListSchema,
      signal,
    );
    return list.items;
  }

  private async tail(pod: Pod, signal?: AbortSignal): Promise<string> {
    const { namespace, job } = this.config;
    const read = (tailLines: number) =>
      this.client.text(
        {
          method: "GET",
          path: podLogPath(namespace, pod.metadata.name),
          query: {
            container: containerName,
            tailLines: String(tailLines),
            limitBytes: String(LOG_LIMIT_BYTES),
          },
        },
        signal,
      );
    try {
      const tail = await readLogTail(read, job.logTailLines, LOG_LIMIT_BYTES);
      if (tail.lines === job.logTailLines && !tail.cut) return tail.text;
      const mib = `${LOG_LIMIT_BYTES / 1024 / 1024} MiB`;
      const command = `kubectl logs -n ${namespace} ${pod.metadata.name} -c ${containerName}`;
      const note = tail.cut
        ? `(phasegate read the first ${mib} of the log's last line, longer than that: ${command} shows the rest)`
        : `(phasegate read the log's last ${tail.lines} lines: its last ${job.logTailLines} are more than ${mib}; ` +
          `${command} shows them all)`;
      return `${tail.text}${tail.text.endsWith("\n") ? "" : "\n"}${note}\n`;
    } catch (error) {
      if (error instanceof KubernetesError && (error.kind === "not-found" || error.kind === "invalid")) {
        return `(no log from pod ${pod.metadata.name}: ${error.message})\n`;
      }
      throw error;
    }
  }

  private progress(name: string, pod: Pod | undefined): string {
    const where = `Job ${name} in namespace ${this.config.namespace}`;
    if (!pod) return `${where}: waiting for its pod to be created`;
    const waiting = waitingReason(pod);
    if (waiting) return `${where}: pod ${pod.metadata.name} is waiting (${waiting})`;
    return `${where}: pod ${pod.metadata.name} is ${pod.status.phase ?? "starting"}`;
  }
}
