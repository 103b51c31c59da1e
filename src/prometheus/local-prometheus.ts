import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { stringify } from "yaml";
import { freePort } from "../net/free-ports.js";

const READY_TIMEOUT_MS = 30_000;
const STDERR_TAIL = 2000;

/** A Prometheus server of our own on loopback (the sandbox's, the tests'), its data in a temporary directory. */
export interface LocalPrometheus {
  url: string;
  stop(): Promise<void>;
}

export interface LocalPrometheusOptions {
  binary: string;
  /** `host:port` of each target scraped at /metrics, in one job. */
  targets: string[];
  job: string;
  scrapeIntervalSeconds: number;
  /** Remote-read endpoints asked for every query, recent data included (the tests' failing stores). */
  remoteReadUrls?: string[];
}

/** The `prometheus` executable on PATH (Debian's package installs it), or null. */
export function findPrometheus(env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, "prometheus");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return null;
}

async function ready(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** Starts Prometheus scraping the targets every `scrapeIntervalSeconds`; resolves once it answers /-/ready. */
export async function startLocalPrometheus(options: LocalPrometheusOptions): Promise<LocalPrometheus> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-prometheus-"));
  const interval = `${options.scrapeIntervalSeconds}s`;
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    scrape_configs: [{ job_name: options.job, static_configs: [{ targets: options.targets }] }],
    ...(options.remoteReadUrls
      ? {
          remote_read: options.remoteReadUrls.map((url) => ({
            url,
            read_recent: true,
            remote_timeout: "2s",
          })),
        }
      : {}),
  };
  await writeFile(path.join(dir, "prometheus.yml"), stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    options.binary,
    [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
  });
  const exited = once(child, "close");
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await ready(url))) {
    const gone = child.exitCode !== null || child.signalCode !== null;
    if (gone || Date.now() > deadline) {
      await stop();
      throw new Error(
        `prometheus ${gone ? "exited" : `did not answer on ${url} within ${READY_TIMEOUT_MS / 1000} s`}: ${stderr.trim() || "(no output)"}`,
      );
    }
    await sleep(100);
  }
  return { url, stop };
}
