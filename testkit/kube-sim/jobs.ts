import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { type Cluster, type Container, key, type ObjectMeta, type Pod, randomSuffix } from "./cluster.js";
import { alreadyExists, invalid, notFound } from "./status.js";

interface JobCondition {
  type: string;
  status: "True";
  reason: string;
  message: string;
  lastProbeTime: string;
  lastTransitionTime: string;
}

export interface Job {
  apiVersion: "batch/v1";
  kind: "Job";
  metadata: ObjectMeta;
  spec: {
    backoffLimit?: number;
    activeDeadlineSeconds?: number;
    ttlSecondsAfterFinished?: number;
    template: { metadata?: { labels?: Record<string, string> }; spec: Pod["spec"] };
    [field: string]: unknown;
  };
  status: {
    active?: number;
    succeeded?: number;
    failed?: number;
    startTime?: string;
    completionTime?: string;
    conditions?: JobCondition[];
  };
}

/**
 * Jobs whose pod is a local process: the container's command and args run with its env and workingDir, the output
 * becomes the pod log and the exit code the container's terminated state. backoffLimit and activeDeadlineSeconds
 * are honoured; the image is recorded but not pulled.
 */
export class Jobs {
  private readonly items = new Map<string, Job>();
  private readonly processes = new Map<string, ChildProcess>();
  private readonly deadlines = new Map<string, NodeJS.Timeout>();
  private readonly overdue = new Set<Job>();
  private readonly finished = new Map<string, { promise: Promise<void>; resolve: () => void }>();

  /** Images the registry does not have: a pod of one waits in ImagePullBackOff. */
  readonly missingImages = new Set<string>();

  constructor(private readonly cluster: Cluster) {}

  create(namespace: string, body: unknown): Job {
    const job = validate(namespace, body);
    const id = key(namespace, job.metadata.name);
    if (this.items.has(id)) throw alreadyExists("jobs", "batch", job.metadata.name);
    const labels = { ...(job.metadata.labels ?? {}) };
    job.metadata = {
      ...job.metadata,
      ...this.cluster.meta(namespace, job.metadata.name, labels),
      generation: 1,
    };
    job.status = { startTime: new Date().toISOString(), active: 1 };
    this.items.set(id, job);
    this.finishedSignal(id);
    const deadline = job.spec.activeDeadlineSeconds;
    if (deadline) {
      this.deadlines.set(
        id,
        setTimeout(() => this.exceedDeadline(job), deadline * 1000),
      );
    }
    this.startPod(job);
    return job;
  }

  get(namespace: string, name: string): Job {
    const job = this.items.get(key(namespace, name));
    if (!job) throw notFound("jobs", "batch", name);
    return job;
  }

  /** Deletes the Job; its pods too unless the propagation policy is Orphan. */
  delete(namespace: string, name: string, propagationPolicy: string | undefined): void {
    const job = this.get(namespace, name);
    this.items.delete(key(namespace, name));
    this.stopTimers(key(namespace, name));
    if (propagationPolicy === "Orphan") return;
    for (const pod of this.podsOf(job)) {
      killPod(this.processes.get(key(namespace, pod.metadata.name)));
      this.cluster.pods.delete(key(namespace, pod.metadata.name));
    }
  }

  /** Resolves when the Job has completed or failed. */
  async waitUntilFinished(namespace: string, name: string): Promise<Job> {
    this.get(namespace, name);
    await this.finishedSignal(key(namespace, name)).promise;
    return this.get(namespace, name);
  }

  names(namespace: string): string[] {
    return [...this.items.values()]
      .filter((j) => j.metadata.namespace === namespace)
      .map((j) => j.metadata.name);
  }

  stopAll(): void {
    for (const child of this.processes.values()) killPod(child);
    for (const id of this.deadlines.keys()) this.stopTimers(id);
  }

  private podsOf(job: Job): Pod[] {
    return this.cluster
      .podsIn(job.metadata.namespace)
      .filter((p) => p.metadata.labels["job-name"] === job.metadata.name);
  }

  private startPod(job: Job): void {
    const { namespace, name, uid } = job.metadata;
    const labels = {
      ...(job.spec.template.metadata?.labels ?? {}),
      "batch.kubernetes.io/controller-uid": uid,
      "batch.kubernetes.io/job-name": name,
      "controller-uid": uid,
      "job-name": name,
    };
    const pod: Pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: this.cluster.meta(namespace, `${name}-${randomSuffix()}`, labels),
      spec: structuredClone(job.spec.template.spec),
      status: { phase: "Pending", conditions: [{ type: "Ready", status: "False" }] },
    };
    const container = pod.spec.containers[0] as Container;
    const env = this.environment(namespace, container);
    if (this.missingImages.has(container.image)) {
      const message = `Back-off pulling image "${container.image}"`;
      this.waiting(pod, container, "ImagePullBackOff", message);
    } else if (typeof env === "string") this.waiting(pod, container, "CreateContainerConfigError", env);
    else {
      this.cluster.savePod(pod);
      this.run(job, pod, container, env);
    }
  }

  /** The pod stays Pending: its container waits for good with this reason, as the kubelet reports it. */
  private waiting(pod: Pod, container: Container, reason: string, message: string): void {
    pod.status.containerStatuses = [
      { name: container.name, image: container.image, ready: false, state: { waiting: { reason, message } } },
    ];
    this.cluster.savePod(pod);
  }

  private run(job: Job, pod: Pod, container: Container, env: Record<string, string>): void {
    const podKey = key(pod.metadata.namespace, pod.metadata.name);
    const [command, ...args] = [...(container.command ?? []), ...(container.args ?? [])];
    const child = spawn(command as string, args, {
      cwd: container.workingDir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so killing the pod kills what the command started too (`sh -c "sleep 30"`).
      detached: true,
    });
    this.processes.set(podKey, child);
    this.cluster.logs.set(podKey, "");
    const append = (chunk: Buffer) =>
      this.cluster.logs.set(podKey, (this.cluster.logs.get(podKey) ?? "") + chunk);
    child.stdout?.on("data", append);
    child.stderr?.on("data", append);
    const startedAt = new Date().toISOString();
    pod.status = {
      phase: "Running",
      conditions: [{ type: "Ready", status: "True" }],
      containerStatuses: [
        { name: container.name, image: container.image, ready: true, state: { running: { startedAt } } },
      ],
    };
    this.cluster.savePod(pod);
    child.on("error", (error) => {
      this.cluster.logs.set(podKey, `${this.cluster.logs.get(podKey)}exec failed: ${error.message}\n`);
    });
    once(child, "close").then(([code, signal]) => {
      this.processes.delete(podKey);
      const exitCode = typeof code === "number" ? code : signal === "SIGKILL" ? 137 : 128;
      pod.status = {
        phase: exitCode === 0 ? "Succeeded" : "Failed",
        conditions: [{ type: "Ready", status: "False" }],
        containerStatuses: [
          {
            name: container.name,
            image: container.image,
            ready: false,
            state: {
              terminated: {
                exitCode,
                reason: exitCode === 0 ? "Completed" : "Error",
                startedAt,
                finishedAt: new Date().toISOString(),
              },
            },
          },
        ],
      };
      this.cluster.savePod(pod);
      if (this.items.get(key(job.metadata.namespace, job.metadata.name)) === job)
        this.podEnded(job, exitCode === 0);
    });
  }

  private podEnded(job: Job, succeeded: boolean): void {
    if (job.status.conditions?.length) return;
    if (this.overdue.has(job)) {
      this.failOverdue(job);
      return;
    }
    if (succeeded) {
      job.status = {
        ...job.status,
        active: undefined,
        succeeded: 1,
        completionTime: new Date().toISOString(),
      };
      this.finish(job, [
        condition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"),
        condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods"),
      ]);
      return;
    }
    const failed = (job.status.failed ?? 0) + 1;
    job.status = { ...job.status, failed };
    if (failed <= (job.spec.backoffLimit ?? 6)) {
      this.startPod(job);
      return;
    }
    job.status.active = undefined;
    this.finish(job, [
      condition("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
      condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
    ]);
  }

  /** The Job controller kills the running pod; the Job fails once the pod has ended. */
  private exceedDeadline(job: Job): void {
    if (job.status.conditions?.length) return;
    this.overdue.add(job);
    const running = this.podsOf(job)
      .map((pod) => this.processes.get(key(job.metadata.namespace, pod.metadata.name)))
      .filter((child) => child !== undefined);
    if (running.length === 0) this.failOverdue(job);
    for (const child of running) killPod(child);
  }

  private failOverdue(job: Job): void {
    job.status = { ...job.status, active: undefined, failed: (job.status.failed ?? 0) + 1 };
    this.finish(job, [
      condition("FailureTarget", "DeadlineExceeded", "Job was active longer than specified deadline"),
      condition("Failed", "DeadlineExceeded", "Job was active longer than specified deadline"),
    ]);
  }

  private finish(job: Job, conditions: JobCondition[]): void {
    job.status.conditions = conditions;
    job.metadata.resourceVersion = this.cluster.nextResourceVersion();
    const id = key(job.metadata.namespace, job.metadata.name);
    this.stopTimers(id);
    this.finishedSignal(id).resolve();
  }

  private finishedSignal(id: string) {
    let signal = this.finished.get(id);
    if (!signal) {
      let resolve = () => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      signal = { promise, resolve };
      this.finished.set(id, signal);
    }
    return signal;
  }

  private stopTimers(id: string): void {
    clearTimeout(this.deadlines.get(id));
    this.deadlines.delete(id);
  }

  /** The container's environment, or why it cannot be built (a missing ConfigMap or Secret). */
  private environment(namespace: string, container: Container): Record<string, string> | string {
    const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
    for (const source of container.envFrom ?? []) {
      const ref = source.configMapRef ?? source.secretRef;
      const store = source.configMapRef ? this.cluster.configMaps : this.cluster.secrets;
      const data = ref && store.get(key(namespace, ref.name));
      if (!data) return `${source.configMapRef ? "configmap" : "secret"} "${ref?.name}" not found`;
      Object.assign(env, data);
    }
    for (const variable of container.env ?? []) env[variable.name] = variable.value ?? "";
    return env;
  }
}

/** SIGKILL to the pod's whole process group, as the kubelet ends every process of a container. */
function killPod(child: ChildProcess | undefined): void {
  if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

function condition(type: string, reason: string, message: string): JobCondition {
  const now = new Date().toISOString();
  return { type, status: "True", reason, message, lastProbeTime: now, lastTransitionTime: now };
}

function validate(namespace: string, body: unknown): Job {
  const job = body as Partial<Job> | null;
  const name = job?.metadata?.name;
  const problems: string[] = [];
  if (job?.apiVersion !== "batch/v1" || job.kind !== "Job")
    problems.push("apiVersion/kind: must be batch/v1 Job");
  if (!name || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
    problems.push(
      `metadata.name: Invalid value: "${name}": must be a DNS-1123 label of at most 63 characters`,
    );
  }
  if (job?.metadata?.namespace && job.metadata.namespace !== namespace) {
    problems.push("metadata.namespace: Invalid value: does not match the namespace of the request");
  }
  const podSpec = job?.spec?.template?.spec;
  const container = podSpec?.containers?.[0];
  if (!container?.name || !container.image) problems.push("spec.template.spec.containers: Required value");
  else if (!container.command?.length)
    problems.push("spec.template.spec.containers[0].command: the simulator needs a command");
  if (podSpec && podSpec.restartPolicy !== "Never" && podSpec.restartPolicy !== "OnFailure") {
    problems.push(
      `spec.template.spec.restartPolicy: Unsupported value: "${podSpec.restartPolicy}": supported values: "OnFailure", "Never"`,
    );
  }
  if (problems.length > 0) throw invalid(`Job.batch "${name}" is invalid: ${problems.join(", ")}`);
  return structuredClone(job) as Job;
}
