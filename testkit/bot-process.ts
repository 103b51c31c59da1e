import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { freePort } from "../src/net/free-ports.js";
import { cliArgv } from "./cli-entry.js";
import { repoRoot } from "./run-cli.js";

export interface BotProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  /** Slack's endpoint on the bot. */
  url: string;
  /** Everything the process wrote to stderr and stdout so far (its pino log). */
  output(): string;
  /** The process's peak resident memory so far (VmHWM of /proc/<pid>/status), in MiB. */
  peakMemoryMiB(): Promise<number>;
  stop(): Promise<void>;
}

export interface BotProcessOptions {
  servicesFile: string;
  redisUrl: string;
  prefix: string;
  slackApiUrl: string;
  token: string;
  signingSecret: string;
  command?: "bot" | "all";
  logLevel?: string;
  /** How to run the CLI (the compiled one, say); the TypeScript sources through tsx by default. */
  cli?: string[];
}

/** A real `phasegate bot` (or `all`) process (the compiled CLI), ready once /healthz answers. */
export async function startBotProcess(options: BotProcessOptions): Promise<BotProcess> {
  const port = await freePort();
  const [program, ...args] = options.cli ?? [process.execPath, ...cliArgv()];
  const child = spawn(program as string, [...args, options.command ?? "bot"], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      SLACK_APP_TOKEN: undefined,
      LOG_LEVEL: options.logLevel ?? "warn",
      PORT: String(port),
      SLACK_BOT_TOKEN: options.token,
      SLACK_SIGNING_SECRET: options.signingSecret,
      SLACK_API_URL: options.slackApiUrl,
      PHASEGATE_SERVICES: options.servicesFile,
      PHASEGATE_PREFIX: options.prefix,
      REDIS_URL: options.redisUrl,
    },
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, "exit");
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`phasegate ${options.command ?? "bot"} did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = child.pid as number;
  return {
    child,
    pid,
    port,
    url: `http://127.0.0.1:${port}/slack/events`,
    output: () => output,
    async peakMemoryMiB() {
      const status = await readFile(`/proc/${pid}/status`, "utf8");
      const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
      return kb / 1024;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}
