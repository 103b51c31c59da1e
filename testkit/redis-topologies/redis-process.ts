import { type ChildProcess, execFile, spawn } from "node:child_process";
import { openSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { freePort } from "../../src/net/free-ports.js";

const run = promisify(execFile);

/** One redis-server (data node or sentinel) this test started, on loopback, with its own data dir. */
export interface RedisProcess {
  port: number;
  dir: string;
  /** `redis-cli -p <port> …`; the reply as text. */
  cli(...args: string[]): Promise<string>;
  /** SIGKILL, as when the machine dies: no shutdown, no save. */
  kill(): Promise<void>;
  alive(): boolean;
}

/** Every process started by this test file, killed at exit even when a test crashed before its afterAll. */
const started = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of started) child.kill("SIGKILL");
});

async function cli(port: number, password: string | undefined, args: string[]): Promise<string> {
  const auth = password ? ["-a", password, "--no-auth-warning"] : [];
  const { stdout } = await run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...auth, ...args], {
    encoding: "utf8",
  });
  return stdout.trim();
}

async function until(what: string, check: () => Promise<boolean>, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`redis: never saw ${what}`);
    await sleep(50);
  }
}

export { until as untilRedis };

export interface RedisProcessOptions {
  /** Arguments besides port, bind address, data dir and no persistence. */
  args?: (port: number) => Promise<string[]> | string[];
  /** A sentinel: its config file (written into its dir; Sentinel rewrites it). */
  sentinelConfig?: (port: number) => string;
  /** The server's requirepass, which `cli` then sends. */
  password?: string;
}

/**
 * Starts `redis-server` on a free port of loopback; resolves once it answers PING. A port taken meanwhile by
 * someone else is retried.
 */
export async function startRedisProcess(
  dir: string,
  name: string,
  { args = () => [], sentinelConfig, password }: RedisProcessOptions = {},
): Promise<RedisProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const nodeDir = path.join(dir, `${name}-${port}`);
    await mkdir(nodeDir, { recursive: true });
    const configArgs: string[] = [];
    if (sentinelConfig) {
      const file = path.join(nodeDir, "sentinel.conf");
      await writeFile(file, sentinelConfig(port));
      configArgs.push(file, "--sentinel");
    }
    const log = openSync(path.join(nodeDir, "redis.log"), "a");
    const child = spawn(
      "redis-server",
      [
        ...configArgs,
        ...["--port", String(port), "--bind", "127.0.0.1", "--dir", nodeDir],
        ...["--save", "", "--appendonly", "no", "--protected-mode", "no"],
        ...(password ? ["--requirepass", password] : []),
        ...(await args(port)),
      ],
      { stdio: ["ignore", log, log] },
    );
    started.add(child);
    let exited = false;
    child.once("exit", () => {
      exited = true;
      started.delete(child);
    });
    const up = await until(
      `${name} on ${port}`,
      async () => exited || (await cli(port, password, ["ping"])) === "PONG",
    )
      .then(() => !exited)
      .catch(() => false);
    if (up)
      return {
        port,
        dir: nodeDir,
        cli: (...command) => cli(port, password, command),
        alive: () => !exited,
        async kill() {
          if (exited) return;
          const gone = new Promise((resolve) => child.once("exit", resolve));
          child.kill("SIGKILL");
          await gone;
        },
      };
    child.kill("SIGKILL");
    if (attempt >= 3) throw new Error(`redis-server ${name} did not start; see ${nodeDir}/redis.log`);
  }
}
