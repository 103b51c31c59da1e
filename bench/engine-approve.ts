import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { isTerminal, type Run } from "../src/domain/run/run.js";
import type { Notifier, RunChange } from "../src/ports/notifier.js";
import type { RunStore } from "../src/ports/run-store.js";
import type { UseCases } from "../src/ports/use-cases.js";
import { logger } from "../src/telemetry/pino-logger.js";
import { createEngine } from "../src/wiring/engine.js";
import { startWorker } from "../src/wiring/start-worker.js";
import {
  APPROVER,
  type BenchRedis,
  type BenchSetup,
  benchSetup,
  machineRedis,
  storeRunAt,
} from "./engine-setup.js";
import { type Figure, percentile } from "./figure.js";
import { startWorkerProcess } from "./worker-process.js";

const RUNS = 220;
const WARMUP = 20;
/** The step after the gate: the contract migrate. */
const CONTRACT_STEP = 4;

/** Steps a worker runs at once: `phasegate worker`'s default, which the worker process of the bench keeps. */
const WORKER_CONCURRENCY = 10;

/** The goal (25): a few Redis round trips. */
const GOAL_P99_MS = 20;

/** Milliseconds since the epoch, with this process's sub-millisecond clock. */
const epochMs = () => performance.timeOrigin + performance.now();

/**
 * Warnings and errors only: the engine logs each step of each run at info, thousands of lines that would bury the
 * figures.
 */
const benchLogger = () => logger.child({}, { level: "warn" });

/** When a run's contract step started (ms since the epoch), and when the run ended. */
interface RunWatch {
  next(runId: string): { started: Promise<number>; ended: Promise<void> };
}

/** Watches the worker of this process through its notifier: the start is when the worker recorded it. */
class NotifierWatch implements Notifier, RunWatch {
  private readonly started = new Map<string, (at: number) => void>();
  private readonly ended = new Map<string, () => void>();

  next(runId: string): { started: Promise<number>; ended: Promise<void> } {
    return {
      started: new Promise((resolve) => this.started.set(runId, resolve)),
      ended: new Promise((resolve) => this.ended.set(runId, resolve)),
    };
  }

  async notify(change: RunChange): Promise<void> {
    if (change.event?.type === "step-started" && change.event.step === CONTRACT_STEP)
      this.started.get(change.after.id)?.(epochMs());
    if (isTerminal(change.after.status)) this.ended.get(change.after.id)?.();
  }
}

/**
 * Watches a worker in another process through the store: the start is the step's startedAt, which that worker
 * stamps when it starts the step (millisecond resolution); the store is read every 2 ms only to go on.
 */
class StoreWatch implements RunWatch {
  constructor(private readonly store: RunStore) {}

  next(runId: string): { started: Promise<number>; ended: Promise<void> } {
    const until = async (done: (run: Run) => boolean): Promise<Run> => {
      for (;;) {
        const run = await this.store.get(runId);
        if (run && done(run)) return run;
        await sleep(2);
      }
    };
    const startedAt = (run: Run) => run.steps[CONTRACT_STEP]?.startedAt ?? null;
    const started = until((run) => startedAt(run) !== null).then((run) => Date.parse(startedAt(run) ?? ""));
    return { started, ended: started.then(() => until((run) => isTerminal(run.status))).then(() => {}) };
  }
}

/**
 * How the approvals follow each other: `alone`, each once the run approved before has ended; `overlapping`, each
 * once the run approved before started its migrate and the one before that ended, so the next approval comes while
 * one migrate runs (two commands, and a job BullMQ's worker waits for); `backlog`, each as soon as the run approved
 * before started its migrate, so migrates pile up whenever one lasts longer than an approval takes, until the
 * worker's concurrency is full and the next step waits for a slot.
 */
type Pace = "alone" | "overlapping" | "backlog";

/** Approves each run and waits for its contract step to start; the latencies after the warm-up. */
async function approveEach(useCases: UseCases, watch: RunWatch, runs: Run[], pace: Pace) {
  const latencies: number[] = [];
  const ends: Promise<void>[] = [];
  for (const run of runs) {
    const { started, ended } = watch.next(run.id);
    const t0 = epochMs();
    const result = await useCases.approve({ runId: run.id, user: APPROVER });
    if (!result.ok) throw new Error(result.message);
    latencies.push((await started) - t0);
    if (pace === "alone") await ended;
    if (pace === "overlapping") await ends.at(-1);
    ends.push(ended);
  }
  await Promise.all(ends);
  return latencies.slice(WARMUP);
}

/** Runs of every service, stored at their approval gate. */
async function runsAtGate(store: RunStore): Promise<Run[]> {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await storeRunAt(store, `bench-${i}`, "gate"));
  return runs;
}

/** The measurements of one topology, one per pace of the approvals. */
async function measure(
  useCases: UseCases,
  store: RunStore,
  watch: RunWatch,
  on: BenchRedis,
  topology: { label: string; where: string },
): Promise<Figure[]> {
  const overlapping = await approveEach(useCases, watch, await runsAtGate(store), "overlapping");
  const alone = await approveEach(useCases, watch, await runsAtGate(store), "alone");
  const backlog = await approveEach(useCases, watch, await runsAtGate(store), "backlog");
  const [load = 0] = os.loadavg();
  const where = `${topology.where}, Redis${on.label} on loopback, load average ${load.toFixed(1)} on ${os.cpus().length} cores`;
  const figures = (
    label: string,
    measured: number[],
    detail: string,
    goal: number | null = GOAL_P99_MS,
  ): Figure[] => [
    {
      name: `${label}${topology.label}${on.label}, p50`,
      value: percentile(measured, 50),
      unit: "ms",
      detail,
    },
    {
      name: `${label}${topology.label}${on.label}, p99`,
      value: percentile(measured, 99),
      unit: "ms",
      ...(goal === null ? {} : { goal }),
      detail,
    },
  ];
  return [
    ...figures(
      "approve -> next step started",
      overlapping,
      `${overlapping.length} runs, one approval at a time, each while the run approved before runs its migrate, ${where}`,
    ),
    ...figures(
      "approve -> next step started, migrates piling up",
      backlog,
      `${backlog.length} runs, each approved as soon as the run before started its migrate: up to ${WORKER_CONCURRENCY} migrates run at once and the next step waits for a slot of the worker; no goal (a full worker), ${where}`,
      null,
    ),
    ...figures(
      "approve -> next step started, nothing else running",
      alone,
      `${alone.length} runs, each approved once the run before ended, ${where}`,
    ),
  ];
}

/** The worker in the process that approves, as `phasegate all` runs them. */
async function inOneProcess(setup: BenchSetup, on: BenchRedis): Promise<Figure[]> {
  const watch = new NotifierWatch();
  const engine = createEngine({
    redis: setup.redis,
    prefix: setup.prefix,
    services: setup.services,
    notifiers: [watch],
    logger: benchLogger(),
  });
  const worker = startWorker(engine, { concurrency: WORKER_CONCURRENCY });
  try {
    return await measure(engine.useCases, engine.store, watch, on, {
      label: "",
      where: "worker in the same process",
    });
  } finally {
    await worker.close();
    await engine.close();
  }
}

/** The worker in a process of its own, as the manifests deploy the bot and the worker: this process approves. */
async function inTwoProcesses(setup: BenchSetup, on: BenchRedis): Promise<Figure[]> {
  const engine = createEngine({
    redis: setup.redis,
    prefix: setup.prefix,
    services: setup.services,
    logger: benchLogger(),
  });
  const worker = await startWorkerProcess(setup, on);
  try {
    await worker.ready;
    return await measure(engine.useCases, engine.store, new StoreWatch(engine.store), on, {
      label: " (worker process)",
      where: "compiled worker process as deployed, approvals from this one",
    });
  } finally {
    await worker.stop();
    await engine.close();
  }
}

/** From an approve call to the worker starting the next step, one run after another. */
export async function engineApproveBenchmark(on: BenchRedis = machineRedis): Promise<Figure[]> {
  const setup = await benchSetup(RUNS, () => ({ kind: "command", command: ["true"] }), on);
  try {
    return [...(await inOneProcess(setup, on)), ...(await inTwoProcesses(setup, on))];
  } finally {
    await setup.close();
  }
}
