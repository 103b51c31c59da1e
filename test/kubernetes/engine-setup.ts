import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { loadServices } from "../../src/config/load-services.js";
import type { Run } from "../../src/domain/run/run.js";
import type { RedisClient } from "../../src/net/redis/connect.js";
import { createEngine, type Engine } from "../../src/wiring/engine.js";
import { type RunningWorker, startWorker } from "../../src/wiring/start-worker.js";
import { type KubeSim, startKubeSim } from "../../testkit/kube-sim/index.js";
import { createTestDatabase, type TestDatabase } from "../../testkit/postgres.js";
import { findDjangoPython } from "../../testkit/python.js";
import { connectRedis, deleteKeys, uniquePrefix } from "../../testkit/redis.js";
import { shopBeforeRelease } from "../../testkit/shop-table.js";
import { image, imageTemplate, shopDir } from "./setup.js";

export const APPROVER = "U_BOB";
export const REQUESTER = "U_ALICE";
export const deployments = ["web", "worker"];

/**
 * A services file whose executor, deployer and rollout are all `kind: kubernetes`, pointing at the simulator.
 * The simulator runs each Job's command here, so the "image" is examples/shop with this machine's Django.
 */
function serviceConfig(sim: KubeSim, namespace: string, db: TestDatabase) {
  const target = { kind: "kubernetes", namespace, image: imageTemplate, api: sim.api() };
  const watched = { ...target, deployments, container: "app" };
  return {
    project: { path: shopDir, python: [findDjangoPython()], env: { DATABASE_URL: db.url } },
    executor: {
      ...target,
      job: { workingDir: shopDir, serviceAccountName: "shop-migrate", logTailLines: 40 },
    },
    deployer: watched,
    rollout: { ...watched, pollIntervalSeconds: 1, maxPollIntervalSeconds: 1, deadlineSeconds: 300 },
    slack: { channel: "C_SHOP" },
    access: { approvers: { users: [APPROVER] }, fourEyes: true },
    timeouts: { migrateSeconds: 120, approvalSeconds: 3600 },
  };
}

export interface KubeEngine {
  sim: KubeSim;
  engine: Engine;
  /** Each service's database (its namespace in the simulator has the service's name). */
  databases: Map<string, TestDatabase>;
  columns(service: string): string[];
  /** Reads the run until `until` holds (60 s at most). */
  waitFor(runId: string, until: (run: Run) => boolean, what: string): Promise<Run>;
  close(): Promise<void>;
}

/**
 * A real engine (Redis store, BullMQ queue, one in-process worker) on Kubernetes adapters against the simulator:
 * one namespace with Deployments web and worker on v1, and one PostgreSQL database, per service.
 */
export async function startKubeEngine(services: string[]): Promise<KubeEngine> {
  const sim = await startKubeSim();
  const dir = await mkdtemp(path.join(tmpdir(), "kube-engine-"));
  const prefix = uniquePrefix("kube-full-run");
  const redis: RedisClient = connectRedis();
  const databases = new Map<string, TestDatabase>();
  const config: Record<string, unknown> = {};
  for (const service of services) {
    const db = createTestDatabase("kube_full_run");
    // v1 of the shop is live: the release's 0002 and 0003 meet a table old code uses.
    shopBeforeRelease({ DATABASE_URL: db.url });
    databases.set(service, db);
    config[service] = serviceConfig(sim, service, db);
    for (const name of deployments) sim.deployments.add({ namespace: service, name, image: image("v1") });
  }
  const file = path.join(dir, "services.yaml");
  await writeFile(file, stringify({ services: config }));
  const engine = createEngine({
    redis,
    prefix,
    services: await loadServices(file),
    executorPollMs: 200,
    cancelPollMs: 500,
  });
  const worker: RunningWorker = startWorker(engine, {
    concurrency: 4,
    lockDurationMs: 10_000,
    stalledIntervalMs: 10_000,
  });
  return {
    sim,
    engine,
    databases,
    columns(service) {
      const db = databases.get(service);
      if (!db) throw new Error(`no database for ${service}`);
      const sql =
        "select column_name from information_schema.columns where table_name = 'catalog_product' order by 1";
      return db.query(sql).split("\n").filter(Boolean);
    },
    async waitFor(runId, until, what) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const run = await engine.store.get(runId);
        if (run && until(run)) return run;
        if (Date.now() > deadline) {
          const step = run?.steps[run.currentStep];
          throw new Error(
            `${runId} never got ${what}: it is ${run?.status} at step ${run?.currentStep} (${step?.message})`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      await worker.close();
      await engine.close();
      await deleteKeys(redis, prefix);
      redis.disconnect();
      await sim.close();
      for (const db of databases.values()) db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
