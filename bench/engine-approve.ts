import os from "node:os";
import { isTerminal, type Run } from "../src/domain/run/run.js";
import type { Notifier, RunChange } from "../src/ports/notifier.js";
import type { UseCases } from "../src/ports/use-cases.js";
import { logger } from "../src/telemetry/pino-logger.js";
import { createEngine } from "../src/wiring/engine.js";
import { startWorker } from "../src/wiring/start-worker.js";
import {
  APPROVER,
  type BenchRedis,
  benchSetup,
  machineRedis,
  percentile,
  storeRunAt,
} from "./engine-setup.js";
import type { Figure } from "./figure.js";

const RUNS = 220;
const WARMUP = 20;

/** The goal (25): a few Redis round trips. */
const GOAL_P99_MS = 20;

/** When the worker records the start of a run's contract step (the step after the gate), and when the run ends. */
class RunWatch implements Notifier {
  private readonly started = new Map<string, (at: number) => void>();
  private readonly ended = new Map<string, () => void>();

  next(runId: string): { started: Promise<number>; ended: Promise<void> } {
    return {
      started: new Promise((resolve) => this.started.set(runId, resolve)),
      ended: new Promise((resolve) => this.ended.set(runId, resolve)),
    };
  }

  async notify(change: RunChange): Promise<void> {
    if (change.event?.type === "step-started" && change.event.step === 4)
      this.started.get(change.after.id)?.(performance.now());
    if (isTerminal(change.after.status)) this.ended.get(change.after.id)?.();
  }
}

/**
 * Approves each run and waits for its contract step to start. `alone`: also for the run to end before the next
 * approval, so that no migrate of an earlier run (two child processes, whose fork blocks this process's event loop
 * for milliseconds each) runs meanwhile; otherwise the next approval comes while the earlier run's migrate runs.
 */
async function approveEach(useCases: UseCases, watch: RunWatch, runs: Run[], alone: boolean) {
  const latencies: number[] = [];
  const ends: Promise<void>[] = [];
  for (const run of runs) {
    const { started, ended } = watch.next(run.id);
    const t0 = performance.now();
    const result = await useCases.approve({ runId: run.id, user: APPROVER });
    if (!result.ok) throw new Error(result.message);
    latencies.push((await started) - t0);
    if (alone) await ended;
    ends.push(ended);
  }
  await Promise.all(ends);
  return latencies.slice(WARMUP);
}

/** From an approve call to the worker starting the next step, one run after another, with a worker in-process. */
export async function engineApproveBenchmark(on: BenchRedis = machineRedis): Promise<Figure[]> {
  const setup = await benchSetup(RUNS, () => ({ kind: "command", command: ["true"] }), on);
  const watch = new RunWatch();
  const engine = createEngine({
    redis: setup.redis,
    prefix: setup.prefix,
    services: setup.services,
    notifiers: [watch],
    logger: logger.child({}, { level: "warn" }),
  });
  const worker = startWorker(engine, { concurrency: 10 });
  const runsAtGate = async () => {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await storeRunAt(engine.store, `bench-${i}`, "gate"));
    return runs;
  };
  try {
    const overlapping = await approveEach(engine.useCases, watch, await runsAtGate(), false);
    const alone = await approveEach(engine.useCases, watch, await runsAtGate(), true);
    const [load = 0] = os.loadavg();
    const where = `worker in the same process, Redis${on.label} on loopback, load average ${load.toFixed(1)} on ${os.cpus().length} cores`;
    const figures = (label: string, measured: number[], detail: string, goal?: number): Figure[] => [
      { name: `${label}${on.label}, p50`, value: percentile(measured, 50), unit: "ms", detail },
      { name: `${label}${on.label}, p99`, value: percentile(measured, 99), unit: "ms", goal, detail },
    ];
    return [
      ...figures(
        "approve -> next step started",
        overlapping,
        `${overlapping.length} runs, one approval at a time, each while the run approved before runs its migrate, ${where}`,
        GOAL_P99_MS,
      ),
      ...figures(
        "approve -> next step started, nothing else running",
        alone,
        `${alone.length} runs, each approved once the run before ended, ${where}`,
        GOAL_P99_MS,
      ),
    ];
  } finally {
    await worker.close();
    await engine.close();
    await setup.close();
  }
}
