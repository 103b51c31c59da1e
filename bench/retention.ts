import { Redis } from "ioredis";
import { transition } from "../src/app/transition.js";
import { applyRunEvent } from "../src/domain/run/reducer.js";
import { type Run, type RunEvent, SYSTEM_ACTOR } from "../src/domain/run/run.js";
import { storeKeys } from "../src/store/keys.js";
import { RedisRunStore } from "../src/store/redis-run-store.js";
import { logger } from "../src/telemetry/pino-logger.js";
import { CREATED_AUDIT, shopRun, TO_THE_GATE } from "../testkit/plans.js";
import { RecordingNotifier } from "../testkit/recording-notifier.js";
import { RedisServer } from "../testkit/redis-server.js";
import type { Figure } from "./figure.js";

/** What the issue measured on main before runs expired: per finished run, kept for ever. */
const BEFORE = { keys: 7, kb: 13.6 };
const PREFIX = "phasegate:";
/** Short, so 10,000 runs pass it within the benchmark. */
const RETENTION_MS = 2000;
const FLOOD = 10_000;
/** Services finishing runs at once (one active run each). */
const LANES = 20;
const SAMPLE = 50;
const quiet = logger.child({}, { level: "warn" });

/** The shop's release from start to success, as the worker and an approver drive it. */
const WHOLE_RUN: RunEvent[] = [
  ...TO_THE_GATE,
  { type: "approval-granted", gate: "contract", by: "U_BOB" },
  { type: "step-started", step: 4 },
  { type: "step-succeeded", step: 4 },
];

/** One run of `service` from creation to success through transition, as the engine writes it (audit included). */
async function wholeRun(store: RedisRunStore, service: string): Promise<Run> {
  const created = await store.create(service, (id) => shopRun({ id, service }), CREATED_AUDIT);
  if (!created.ok) throw new Error(`${service} is held by ${created.activeRunId}`);
  const deps = { store, notifier: new RecordingNotifier(), logger: quiet, now: () => new Date() };
  for (const event of WHOLE_RUN) {
    const result = await transition(deps, created.run.id, event, SYSTEM_ACTOR);
    if (!result.ok) throw new Error(`${event.type}: ${result.message}`);
  }
  return created.run;
}

/** A run created and finished in two writes: the flood's unit. */
async function quickRun(store: RedisRunStore, service: string): Promise<void> {
  const created = await store.create(service, (id) => shopRun({ id, service }), CREATED_AUDIT);
  if (!created.ok) throw new Error(`${service} is held by ${created.activeRunId}`);
  const ended = applyRunEvent(created.run, { type: "cancelled", by: "U_ALICE" }, new Date().toISOString());
  if (!ended.ok) throw new Error(ended.reason);
  const saved = await store.save(ended.run, created.run.revision, CREATED_AUDIT);
  if (!saved.ok) throw new Error(`${service}: ${saved.conflict}`);
}

async function flood(store: RedisRunStore, runs: number): Promise<void> {
  await Promise.all(
    Array.from({ length: LANES }, async (_, lane) => {
      for (let i = lane; i < runs; i += LANES) await quickRun(store, `lane-${lane}`);
    }),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? Number.NaN);
}

/**
 * Waits past the retention, lets one run per lane take the expired ids out of the indexes, waits again and until
 * Redis has dropped every expired key: the steady state a quiet phasegate returns to.
 */
async function settle(
  redis: Redis,
  store: RedisRunStore,
  constantKeys: () => Promise<number>,
): Promise<number> {
  await sleep(RETENTION_MS + 200);
  // Each write prunes at most 100 expired ids of its service: enough writes for every lane's share.
  await flood(store, LANES * Math.ceil(FLOOD / LANES / 100 + 1));
  await sleep(RETENTION_MS + 200);
  const until = Date.now() + 60_000;
  while ((await redis.dbsize()) > (await constantKeys())) {
    if (Date.now() > until) throw new Error("Redis kept expired runs for a minute");
    await sleep(200);
  }
  return usedMemory(redis);
}

/**
 * Keys and bytes one finished run keeps, and Redis's memory after 10,000 finished runs have passed their
 * retention (2 s here, 90 days by default), on a redis-server of its own.
 */
export async function retentionBenchmark(): Promise<Figure[]> {
  const server = await RedisServer.start();
  const redis = new Redis(server.url);
  try {
    const keys = storeKeys(PREFIX);
    const kept = new RedisRunStore(redis, PREFIX);
    const before = await redis.dbsize();
    const sample: Run[] = [];
    for (let i = 0; i < SAMPLE; i++) sample.push(await wholeRun(kept, "sample"));
    // The service's id counter and indexes are shared by its runs: counted once over the sample.
    const perRunKeys = (await redis.dbsize()) - before;
    let bytes = 0;
    for (const run of sample)
      for (const key of [keys.run(run.id), keys.audit(run.id)])
        bytes += (await redis.call("MEMORY", "USAGE", key, "SAMPLES", "0")) as number;
    await redis.flushall();

    const store = new RedisRunStore(redis, PREFIX, { finishedRunMs: RETENTION_MS });
    // Per lane: its id counter and its three indexes stay (a service's ids never repeat).
    const constantKeys = async () => LANES * 4;
    await flood(store, 1000);
    const baseline = await settle(redis, store, constantKeys);
    await flood(store, FLOOD);
    const during = await usedMemory(redis);
    const after = await settle(redis, store, constantKeys);

    const perRunKb = bytes / SAMPLE / 1024;
    const mb = (b: number) => b / 1024 / 1024;
    return [
      {
        name: "keys per finished run",
        value: perRunKeys / SAMPLE,
        unit: "keys",
        detail: `run hash and audit stream, plus the service's id counter and indexes shared by its ${SAMPLE} runs; anchor: ${BEFORE.keys} keys per run on main before, kept for ever`,
      },
      {
        name: "bytes per finished run (MEMORY USAGE of run and audit)",
        value: perRunKb,
        unit: "KB",
        detail: `${SAMPLE} runs of the shop's release from start to success through transition, ${WHOLE_RUN.length + 1} audit entries each; anchor: ${BEFORE.kb} KB per run on main before (queue jobs included)`,
      },
      {
        name: `used_memory growth after ${FLOOD.toLocaleString("en")} finished runs past the retention`,
        value: mb(after - baseline),
        unit: "MB",
        goal: 1,
        detail: `${mb(baseline).toFixed(1)} MB before, ${mb(during).toFixed(1)} MB right after the runs, ${mb(after).toFixed(1)} MB once past the ${RETENTION_MS / 1000} s retention; anchor: kept for ever they would add ${mb(FLOOD * perRunKb * 1024).toFixed(1)} MB (${FLOOD.toLocaleString("en")} × ${perRunKb.toFixed(1)} KB)`,
      },
    ];
  } finally {
    redis.disconnect();
    await server.kill();
  }
}
