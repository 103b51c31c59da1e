import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { createEngine, type Engine } from "../src/app/engine.js";
import { type RunningWorker, startWorker } from "../src/app/start-worker.js";
import { loadServices } from "../src/config/load-services.js";
import { connectRedis, deleteKeys, uniquePrefix } from "../test/support/redis.js";
import { type Stage, shopDir } from "./stage.js";

export const SERVICE = "shop";
export const REQUESTER = "U_REQUESTER";
export const APPROVER = "U_APPROVER";

/** phasegate as it runs the shop: a services file, the engine on its own Redis prefix, one step worker. */
export interface Phasegate {
  engine: Engine;
  /** Where the services file points `project.path`: the checkout of the release being migrated. */
  checkoutDir: string;
  servicesFile: string;
  close(): Promise<void>;
}

function shopService(stage: Stage, checkoutDir: string) {
  const { python, databaseUrl } = stage.options;
  return {
    project: { path: checkoutDir, python: [python], env: { DATABASE_URL: databaseUrl } },
    executor: { kind: "local" },
    deployer: {
      kind: "command",
      command: [python, "-m", "traffic.request_deploy", stage.control.url, "{version}"],
      cwd: shopDir,
    },
    rollout: {
      kind: "http",
      urls: stage.fleet.versionUrls(),
      pollIntervalSeconds: 1,
      maxPollIntervalSeconds: 1,
      deadlineSeconds: 600,
    },
    slack: { channel: "C_SHOP" },
    access: { approvers: { users: [APPROVER] }, fourEyes: true },
  };
}

export async function startPhasegate(stage: Stage): Promise<Phasegate> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-proof-"));
  const checkoutDir = path.join(dir, "checkout");
  const servicesFile = path.join(dir, "services.yaml");
  await writeFile(servicesFile, stringify({ services: { [SERVICE]: shopService(stage, checkoutDir) } }));
  const redis = connectRedis();
  const prefix = uniquePrefix("proof");
  const engine = createEngine({
    redis,
    prefix,
    services: await loadServices(servicesFile),
    logger: stage.options.logger,
  });
  const worker: RunningWorker = startWorker(engine, { concurrency: 2 });
  return {
    engine,
    checkoutDir,
    servicesFile,
    async close() {
      await worker.close();
      await engine.close();
      await deleteKeys(redis, prefix);
      redis.disconnect();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
