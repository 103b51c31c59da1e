import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { createEngine } from "../src/wiring/engine.js";
import { type BenchRedis, benchSetup, machineRedis, storeRunAt } from "./engine-setup.js";
import type { Figure } from "./figure.js";
import { percentile } from "./figure.js";
import { cpuSeconds, memoryMb } from "./proc-stat.js";
import { startWorkerProcess } from "./worker-process.js";

const RUNS = 1000;
const INTERVAL_S = 5;
const WINDOW_MS = 30_000;
/** The goals of issue 25: the worker holding 1,000 polling runs. */
const CPU_GOAL_PERCENT = 20;
const RSS_GOAL_MB = 150;

/** Version endpoints of every service: always the old release, and when each was asked. */
async function versionEndpoints() {
  const polls = new Map<string, number[]>();
  const server = createServer((request, response) => {
    const service = (request.url ?? "/").slice(1);
    const times = polls.get(service) ?? [];
    times.push(performance.now());
    polls.set(service, times);
    response.setHeader("content-type", "application/json");
    response.end('{"version":"v1"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    polls,
    url: (service: string) => `http://127.0.0.1:${port}/${service}`,
    close: () => server.close(),
  };
}

/**
 * The RSS of the worker once it has started and holds no run: the least over its first 15 s, so that the garbage of
 * its start (the services file) counts only if no collection ever frees it.
 */
async function idleRssMb(pid: number): Promise<number> {
  let least = Number.POSITIVE_INFINITY;
  for (let second = 0; second < 15; second++) {
    await sleep(1000);
    least = Math.min(least, memoryMb(pid, "VmRSS"));
  }
  return least;
}

/** One `phasegate worker` process holding 1,000 runs that wait for their rollout, polled every 5 s over HTTP. */
export async function engineRolloutsBenchmark(on: BenchRedis = machineRedis): Promise<Figure[]> {
  const endpoints = await versionEndpoints();
  const setup = await benchSetup(
    RUNS,
    (service) => ({
      kind: "http",
      urls: [endpoints.url(service)],
      pollIntervalSeconds: INTERVAL_S,
      maxPollIntervalSeconds: INTERVAL_S,
    }),
    on,
  );
  const engine = createEngine({ redis: setup.redis, prefix: setup.prefix, services: setup.services });
  // What the shipped image runs: the compiled CLI (tsx costs the process tens of MB more).
  const worker = await startWorkerProcess(setup, on);
  try {
    const { pid } = worker;
    const idle = await idleRssMb(pid);
    for (let i = 0; i < RUNS; i++)
      await engine.queue.enqueueStep(await storeRunAt(engine.store, `bench-${i}`, "rollout"));
    // Steady state: every run polled twice already.
    while ([...endpoints.polls.values()].filter((t) => t.length >= 2).length < RUNS) await sleep(500);
    const from = performance.now();
    const cpuBefore = cpuSeconds(pid);
    await sleep(WINDOW_MS);
    const cpu = (cpuSeconds(pid) - cpuBefore) / (WINDOW_MS / 1000);
    const to = performance.now();
    const rss = memoryMb(pid, "VmRSS");
    const peak = memoryMb(pid, "VmHWM");
    const lateness: number[] = [];
    for (const times of endpoints.polls.values()) {
      for (let i = 1; i < times.length; i++) {
        const [before = 0, at = 0] = [times[i - 1], times[i]];
        if (before >= from && at <= to) lateness.push(at - before - INTERVAL_S * 1000);
      }
    }
    const [load = 0] = os.loadavg();
    const detail = `${RUNS} runs, polls every ${INTERVAL_S} s (${lateness.length} measured over ${WINDOW_MS / 1000} s), compiled worker process, Redis${on.label} on loopback, log level info, load average ${load.toFixed(1)} on ${os.cpus().length} cores`;
    return [
      {
        name: `1,000 runs in wait-rollout${on.label}: worker CPU`,
        value: cpu * 100,
        unit: "%",
        goal: CPU_GOAL_PERCENT,
        detail: "of one core",
      },
      {
        name: `1,000 runs in wait-rollout${on.label}: worker RSS`,
        value: rss,
        unit: "MB",
        goal: RSS_GOAL_MB,
        detail: `peak ${peak.toFixed(0)} MB`,
      },
      {
        name: `1,000 runs in wait-rollout${on.label}: worker RSS per run above the same worker holding none (anchor)`,
        value: ((rss - idle) * 1024) / RUNS,
        unit: "KB",
        detail: `idle worker ${idle.toFixed(0)} MB`,
      },
      {
        name: `poll lateness vs the interval${on.label}, p50`,
        value: percentile(lateness, 50),
        unit: "ms",
        detail,
      },
      {
        name: `poll lateness vs the interval${on.label}, p99`,
        value: percentile(lateness, 99),
        unit: "ms",
        goal: 1000,
        detail,
      },
    ];
  } finally {
    await worker.stop();
    endpoints.close();
    await engine.close();
    await setup.close();
  }
}
