import os from "node:os";
import type { Notifier, RunChange } from "../src/ports/notifier.js";
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

/** Resolves when the worker records the start of a run's contract step (the step after the gate). */
class StepStartWatch implements Notifier {
  private readonly waiting = new Map<string, (at: number) => void>();

  next(runId: string): Promise<number> {
    return new Promise((resolve) => this.waiting.set(runId, resolve));
  }

  async notify(change: RunChange): Promise<void> {
    if (change.event?.type === "step-started" && change.event.step === 4)
      this.waiting.get(change.after.id)?.(performance.now());
  }
}

/** From an approve call to the worker starting the next step, one run after another, with a worker in-process. */
export async function engineApproveBenchmark(on: BenchRedis = machineRedis): Promise<Figure[]> {
  const setup = await benchSetup(RUNS, () => ({ kind: "command", command: ["true"] }), on);
  const watch = new StepStartWatch();
  const engine = createEngine({
    redis: setup.redis,
    prefix: setup.prefix,
    services: setup.services,
    notifiers: [watch],
    logger: logger.child({}, { level: "warn" }),
  });
  const worker = startWorker(engine, { concurrency: 10 });
  try {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await storeRunAt(engine.store, `bench-${i}`, "gate"));
    const latencies: number[] = [];
    for (const run of runs) {
      const started = watch.next(run.id);
      const t0 = performance.now();
      const result = await engine.useCases.approve({ runId: run.id, user: APPROVER });
      if (!result.ok) throw new Error(result.message);
      latencies.push((await started) - t0);
    }
    const measured = latencies.slice(WARMUP);
    const [load = 0] = os.loadavg();
    const detail = `${measured.length} runs, one at a time, worker in the same process, Redis${on.label} on loopback, load average ${load.toFixed(1)} on ${os.cpus().length} cores`;
    return [
      {
        name: `approve -> next step started${on.label}, p50`,
        value: percentile(measured, 50),
        unit: "ms",
        detail,
      },
      {
        name: `approve -> next step started${on.label}, p99`,
        value: percentile(measured, 99),
        unit: "ms",
        goal: 150,
        detail,
      },
    ];
  } finally {
    await worker.close();
    await engine.close();
    await setup.close();
  }
}
