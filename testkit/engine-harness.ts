import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { loadServices } from "../src/config/load-services.js";
import { isTerminal, type Run } from "../src/domain/run/run.js";
import type { RedisClient } from "../src/net/redis/connect.js";
import type { RedisTopology } from "../src/net/redis/redis-env.js";
import { StoreUnavailableError } from "../src/ports/store-unavailable.js";
import { createEngine, type Engine } from "../src/wiring/engine.js";
import { type RunningWorker, startWorker } from "../src/wiring/start-worker.js";
import { createTestDatabase, type TestDatabase } from "./postgres.js";
import { findDjangoPython } from "./python.js";
import { RecordingNotifier } from "./recording-notifier.js";
import { connectRedis, deleteKeys, uniquePrefix } from "./redis.js";
import { shopDir } from "./run-cli.js";
import { shopBeforeRelease } from "./shop-table.js";

/**
 * Deploy script (argv: run id, version, service): appends "start" and (unless <service>.deploy-fails exists)
 * "done" to <runId>.deploy, and saves the columns of catalog_product as the new code would see them when it starts.
 * <service>.deploy-sleep makes it sleep that many seconds first.
 */
const DEPLOY_SH = `set -e
echo start >> "$1.deploy"
if [ -f "$3.deploy-fails" ]; then echo "registry said no to $2" >&2; exit 3; fi
if [ -f "$3.deploy-sleep" ]; then sleep "$(cat "$3.deploy-sleep")"; fi
psql "$DATABASE_URL" -tAc "select column_name from information_schema.columns where table_name = 'catalog_product' order by 1" > "$1.columns-at-deploy"
echo done >> "$1.deploy"
echo "deployed $2"
`;

/** Rollout script (argv: run id, version, service): "not yet" (exit 75) until its third poll, or forever when <service>.rollout-stuck exists. */
const ROLLOUT_SH = `n=$(( $(cat "$1.polls" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$1.polls"
if [ ! -f "$3.rollout-stuck" ] && [ "$n" -ge 3 ]; then echo "3 of 3 instances run $2"; exit 0; fi
echo "$n of 3 instances run $2"
exit 75
`;

/**
 * Python wrapper: each `migrate` (also under a wrapper script) appends its target to migrate.log and sleeps first, so a test can cancel
 * or kill it while it runs. argv: python, seconds, then what Python gets.
 */
const SLOW_PYTHON_SH = `py="$1"; pause="$2"; shift 2
case " $* " in *" migrate "*)
  echo "$*" | sed 's/.* migrate \\([^ ]*\\) \\([^ ]*\\).*/\\1 \\2/' >> "$PHASEGATE_TEST_DIR/migrate.log"
  sleep "$pause";;
esac
exec "$py" "$@"
`;

export interface ServiceOptions {
  deadlineSeconds?: number;
  approvalSeconds?: number;
  /** Every `manage.py migrate` first sleeps this long (and is logged in migrate.log). */
  migrateSleepSeconds?: number;
  /** More keys of the service's entry in the services file (`lockGuard`, `backfill`). */
  config?: Record<string, unknown>;
  /** The Python that runs the project (another Django version); Debian's Django 3.2 when absent. */
  python?: string;
  /** Django and the deploy reach PostgreSQL through this port of 127.0.0.1 (a proxy of the test's). */
  databasePort?: number;
}

/** Which Redis a harness runs on: a topology for in-process clients, its environment for worker processes. */
export interface HarnessRedis {
  topology: RedisTopology;
  /** Empty for the machine's Redis (worker processes get --redis). */
  env: Record<string, string>;
}

export interface Harness {
  dir: string;
  prefix: string;
  /** The Redis settings of worker processes started for this harness (spawnWorker's redisEnv). */
  redisEnv: Record<string, string> | undefined;
  redis: RedisClient;
  engine: Engine;
  notifier: RecordingNotifier;
  workers: RunningWorker[];
  /** The database of each service. */
  databases: Map<string, TestDatabase>;
  /** A file of the scripts' working directory (markers, counters). */
  file(name: string): string;
  read(name: string): Promise<string>;
  columns(service: string): string[];
  waitFor(runId: string, until: (run: Run) => boolean, what: string): Promise<Run>;
  /** Starts a run of the service as REQUESTER; throws when refused. */
  start(service: string, version?: string): Promise<Run>;
  /** Proves the service lock is free: a new run starts (then cancelled, unless it already ended by itself). */
  expectLockReleased(service: string): Promise<void>;
  startWorkers(count: number): void;
  close(): Promise<void>;
}

export const APPROVER = "U_BOB";
export const REQUESTER = "U_ALICE";

function serviceConfig(dir: string, db: TestDatabase, options: ServiceOptions) {
  const python = options.python ?? findDjangoPython();
  const url =
    options.databasePort === undefined
      ? db.url
      : `postgres://postgres@127.0.0.1:${options.databasePort}/${db.name}`;
  return {
    project: {
      path: shopDir,
      python:
        options.migrateSleepSeconds === undefined
          ? [python]
          : ["sh", path.join(dir, "slow-python.sh"), python, String(options.migrateSleepSeconds)],
      env: { DATABASE_URL: url, PHASEGATE_TEST_DIR: dir },
    },
    executor: { kind: "local" },
    deployer: {
      kind: "command",
      command: ["sh", "deploy.sh", "{runId}", "{version}", "{service}"],
      env: { DATABASE_URL: url },
    },
    rollout: {
      kind: "command",
      command: ["sh", "rollout.sh", "{runId}", "{version}", "{service}"],
      pollIntervalSeconds: 1,
      maxPollIntervalSeconds: 2,
      deadlineSeconds: options.deadlineSeconds ?? 120,
    },
    slack: { channel: "C_SHOP" },
    access: { starters: [], approvers: { users: [APPROVER, "U_CAROL", REQUESTER] }, fourEyes: true },
    timeouts: { migrateSeconds: 120, approvalSeconds: options.approvalSeconds ?? 3600 },
    ...options.config,
  };
}

/**
 * A real engine for a test file: its own Redis prefix, a PostgreSQL database per service running examples/shop,
 * a services file with command deploy and rollout scripts, and in-process workers with quick stall recovery.
 */
export async function createHarness(
  name: string,
  services: Record<string, ServiceOptions>,
  on?: HarnessRedis,
): Promise<Harness> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `phasegate-${name}-`));
  const prefix = uniquePrefix(name);
  const redis = connectRedis(on?.topology);
  const databases = new Map<string, TestDatabase>();
  const config: Record<string, unknown> = {};
  for (const [service, options] of Object.entries(services)) {
    const db = createTestDatabase(name.replaceAll("-", "_"));
    // v1 of the shop is live: the release's 0002 and 0003 meet a table old code uses.
    shopBeforeRelease({ DATABASE_URL: db.url }, ["catalog"], options.python);
    databases.set(service, db);
    config[service] = serviceConfig(dir, db, options);
  }
  await writeFile(path.join(dir, "deploy.sh"), DEPLOY_SH);
  await writeFile(path.join(dir, "rollout.sh"), ROLLOUT_SH);
  await writeFile(path.join(dir, "slow-python.sh"), SLOW_PYTHON_SH);
  await writeFile(path.join(dir, "services.yaml"), stringify({ services: config }));
  const notifier = new RecordingNotifier();
  const engine = createEngine({
    redis,
    prefix,
    services: await loadServices(path.join(dir, "services.yaml")),
    notifiers: [notifier],
    cancelPollMs: 200,
  });
  const workers: RunningWorker[] = [];
  const harness: Harness = {
    dir,
    prefix,
    redisEnv: on?.env,
    redis,
    engine,
    notifier,
    workers,
    databases,
    file: (file) => path.join(dir, file),
    read: (file) => readFile(path.join(dir, file), "utf8").catch(() => ""),
    columns(service) {
      const db = databases.get(service);
      if (!db) throw new Error(`no database for ${service}`);
      return db
        .query(
          "select column_name from information_schema.columns where table_name = 'catalog_product' order by 1",
        )
        .split("\n")
        .filter(Boolean);
    },
    async waitFor(runId, until, what) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        // Redis may be failing over under the test: the run is read again until the deadline.
        const run = await engine.store.get(runId).catch((error: unknown) => {
          if (error instanceof StoreUnavailableError && Date.now() < deadline) return undefined;
          throw error;
        });
        if (run && until(run)) return run;
        if (Date.now() > deadline)
          throw new Error(`${runId} never got ${what}; it is ${run?.status} at step ${run?.currentStep}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async start(service, version = "v2") {
      const started = await engine.useCases.startRun({ service, version, requester: REQUESTER });
      if (!started.ok || started.dryRun)
        throw new Error(`start of ${service} refused: ${JSON.stringify(started)}`);
      return started.run;
    },
    async expectLockReleased(service) {
      // The start is the proof; the run is then ended to free the service again. Where the test left the service
      // failing (its deploy fails), the run may fail by itself before the cancel: nothing is left to cancel then.
      const run = await harness.start(service, "v3");
      const cancelled = await engine.useCases.cancel({ runId: run.id, user: REQUESTER });
      if (cancelled.ok) {
        await harness.waitFor(run.id, (r) => r.status === "cancelled", "cancelled");
        return;
      }
      const now = await engine.store.get(run.id);
      if (!now || !isTerminal(now.status))
        throw new Error(`cancel of ${run.id} refused: ${cancelled.message}`);
    },
    startWorkers(count) {
      for (let i = 0; i < count; i++)
        workers.push(startWorker(engine, { concurrency: 5, lockDurationMs: 2000, stalledIntervalMs: 1000 }));
    },
    async close() {
      // A test that failed on an unreachable Redis must still leave no database or directory behind.
      try {
        await Promise.all(workers.map((w) => w.close()));
        await engine.close();
        await deleteKeys(redis, prefix);
      } finally {
        redis.disconnect();
        for (const db of databases.values()) db.drop();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
  return harness;
}
