import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { openSync } from "node:fs";
import { cliArgv } from "../../testkit/cli-entry.js";
import { redisUrl } from "../../testkit/redis.js";
import { repoRoot } from "../../testkit/run-cli.js";
import { workerEnv } from "../../testkit/worker-env.js";

/** Every process below `pid` (the worker's commands run in process groups of their own). */
function descendants(pid: number): number[] {
  const table = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const below: number[] = [];
  const visit = (parent: number) => {
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        below.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return below;
}

export interface WorkerProcess {
  child: ChildProcess;
  /** SIGKILL to the worker and everything it started, as when its machine or container dies. */
  killHard(): void;
  /** SIGKILL to the worker process alone, as the OOM killer does: what it started must not outlive it. */
  killAlone(): void;
  /** SIGTERM, as a deploy stopping the container does; resolves to the exit code. */
  stop(): Promise<number | null>;
}

export interface SpawnOptions {
  /** The Redis settings of the worker's environment (REDIS_CLUSTER_NODES, …); default: --redis of the machine's. */
  redisEnv?: Record<string, string>;
  /** Default 2000 (a killed worker's step is taken over quickly). */
  lockDurationMs?: number;
  /** More variables of its environment (a marker its commands inherit, Slack's). */
  env?: Record<string, string>;
}

/** `phasegate worker` as its own process (the compiled CLI), with quick stall recovery; its log goes to `logFile`. */
export function spawnWorker(
  servicesFile: string,
  prefix: string,
  logFile: string,
  options: SpawnOptions = {},
): WorkerProcess {
  const log = openSync(logFile, "a");
  const child = spawn(
    process.execPath,
    cliArgv(
      "worker",
      "--services",
      servicesFile,
      ...(options.redisEnv ? [] : ["--redis", redisUrl]),
      "--prefix",
      prefix,
      "--lock-duration-ms",
      String(options.lockDurationMs ?? 2000),
      "--stalled-interval-ms",
      "1000",
    ),
    {
      cwd: repoRoot,
      env: { ...workerEnv(options.redisEnv), ...options.env },
      stdio: ["ignore", log, log],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    stop() {
      child.kill("SIGTERM");
      return exited;
    },
    killAlone() {
      child.kill("SIGKILL");
    },
    killHard() {
      const pid = child.pid;
      if (pid === undefined) return;
      for (const p of [pid, ...descendants(pid)]) {
        try {
          process.kill(p, "SIGKILL");
        } catch {
          // already gone
        }
      }
    },
  };
}
