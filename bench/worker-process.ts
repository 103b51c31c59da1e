import { type ChildProcess, spawn } from "node:child_process";
import { workerEnv } from "../testkit/worker-env.js";
import type { BenchRedis, BenchSetup } from "./engine-setup.js";
import { root } from "./engine-setup.js";
import { buildCli } from "./plan-cli.js";

export interface WorkerProcess {
  pid: number;
  /** Resolves once the worker has logged that it takes jobs. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/** `phasegate worker` of the setup's services as the shipped image runs it: the compiled CLI, a process of its own. */
export async function startWorkerProcess(setup: BenchSetup, on: BenchRedis): Promise<WorkerProcess> {
  const [node = process.execPath, ...cli] = (await buildCli(root)).argv;
  const worker: ChildProcess = spawn(node, [...cli, "worker", "--services", setup.servicesFile], {
    env: { ...workerEnv(on.topology ? on.env : undefined), PHASEGATE_PREFIX: setup.prefix },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const pid = worker.pid;
  if (pid === undefined) throw new Error("the worker did not start");
  const ready = new Promise<void>((resolve, reject) => {
    // Read to the end all the same: a full pipe would stop the worker at its next log line.
    let seen = "";
    let started = false;
    worker.stderr?.on("data", (chunk: Buffer) => {
      if (started) return;
      seen = (seen + chunk.toString()).slice(-4096);
      started = seen.includes("step worker started");
      if (started) resolve();
    });
    worker.once("exit", (code) => reject(new Error(`the worker exited (${code}) before it took jobs`)));
  });
  ready.catch(() => {});
  return {
    pid,
    ready,
    async stop() {
      if (worker.exitCode !== null || worker.signalCode !== null) return;
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      worker.kill("SIGTERM");
      await exited;
    },
  };
}
