import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { type LoadedServices, loadServices } from "../src/config/load-services.js";
import { applyRunEvent } from "../src/domain/run/reducer.js";
import { type Run, type RunEvent, SYSTEM_ACTOR } from "../src/domain/run/run.js";
import type { RedisClient } from "../src/net/redis/connect.js";
import type { RedisTopology } from "../src/net/redis/redis-env.js";
import type { RunStore } from "../src/ports/run-store.js";
import { shopRun } from "../testkit/plans.js";
import { connectRedis, deleteKeys, uniquePrefix } from "../testkit/redis.js";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const APPROVER = "U_BENCH_APPROVER";

/** The Redis a benchmark runs on: the machine's (REDIS_URL) or a topology it started, named in the figures. */
export interface BenchRedis {
  /** "" for the machine's Redis, " (Cluster)" for a cluster: appended to each figure's name. */
  label: string;
  topology?: RedisTopology;
  /** The Redis settings of a worker process (REDIS_CLUSTER_NODES, …); empty for the machine's Redis. */
  env: Record<string, string>;
}

export const machineRedis: BenchRedis = { label: "", env: {} };

export interface BenchSetup {
  dir: string;
  prefix: string;
  redis: RedisClient;
  servicesFile: string;
  services: LoadedServices;
  close(): Promise<void>;
}

/**
 * `count` services `bench-<i>` whose migrations run `true` (the engine's cost, not Django's), deployed by `true`,
 * with the rollout given (an HTTP version endpoint per service, or a command). Live facts are off: there is no
 * database to read them from, and reading them would start `true` as the helper and warn at each migrate step.
 */
export async function benchSetup(
  count: number,
  rollout: (service: string) => Record<string, unknown>,
  on: BenchRedis = machineRedis,
): Promise<BenchSetup> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-bench-engine-"));
  const prefix = uniquePrefix("pgbench");
  const redis = connectRedis(on.topology);
  const services: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const name = `bench-${i}`;
    services[name] = {
      project: { path: path.join(root, "examples", "shop"), python: ["true"] },
      deployer: { kind: "command", command: ["true"] },
      rollout: rollout(name),
      slack: { channel: "C_BENCH" },
      access: { approvers: { users: [APPROVER] } },
      liveFacts: { enabled: false },
    };
  }
  const servicesFile = path.join(dir, "services.yaml");
  await writeFile(servicesFile, stringify({ services }));
  return {
    dir,
    prefix,
    redis,
    servicesFile,
    services: await loadServices(servicesFile),
    async close() {
      await deleteKeys(redis, prefix);
      redis.disconnect();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const STEPS_TO_ROLLOUT: RunEvent[] = [
  { type: "step-started", step: 0 },
  { type: "step-succeeded", step: 0 },
  { type: "step-started", step: 1 },
  { type: "step-succeeded", step: 1 },
];
const STEPS_TO_GATE: RunEvent[] = [
  ...STEPS_TO_ROLLOUT,
  { type: "step-started", step: 2 },
  { type: "step-succeeded", step: 2 },
];

/** Stores the shop's run of `service` as it stands at the rollout step or at the approval gate. */
export async function storeRunAt(store: RunStore, service: string, at: "rollout" | "gate"): Promise<Run> {
  const now = new Date().toISOString();
  const build = (id: string) => {
    let run = shopRun({ id, service, requester: "U_BENCH_REQUESTER", createdAt: now });
    for (const event of at === "gate" ? STEPS_TO_GATE : STEPS_TO_ROLLOUT) {
      const next = applyRunEvent(run, event, now);
      if (!next.ok) throw new Error(next.reason);
      run = next.run;
    }
    // Stored as new (revision 1) in the state it reached.
    return { ...run, revision: 1 };
  };
  const created = await store.create(service, build, {
    at: now,
    actor: SYSTEM_ACTOR,
    action: "created",
    from: null,
    to: at === "gate" ? "awaiting-approval" : "running",
    outcome: "applied",
    detail: "benchmark",
  });
  if (!created.ok) throw new Error(`${service} already has ${created.activeRunId}`);
  return created.run;
}
