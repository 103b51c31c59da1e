import { once } from "node:events";
import { z } from "zod";
import { portNumber } from "../config/port-number.js";
import { ConfigError } from "../config/services-file-error.js";
import { findPackageFile } from "../django/helper.js";
import { resolvePython } from "../django/python.js";
import { LocalProcessExecutor } from "../executors/local-process.js";
import { RedisConfigError } from "../net/redis/redis-env.js";
import { generateToken } from "../sandbox/page-access.js";
import { startSandbox } from "../sandbox/sandbox.js";
import { SandboxError } from "../sandbox/sandbox-error.js";
import { logger } from "../telemetry/pino-logger.js";
import { type OptionSpecs, parseOptions } from "./args.js";
import { CliError } from "./cli-error.js";
import type { Command } from "./command.js";
import { exitAfterGrace } from "./exit-after.js";

const USAGE = `Usage: phasegate sandbox [--port N] [--host ADDR] [--access-token TOKEN|generate] [--services FILE]
                         [--socket-mode] [--replicas N]

The whole Slack flow in a browser, with no Slack workspace: a page that behaves like a Slack channel, a local Slack
(the Web API, response URLs, Socket Mode), the real bot (Bolt, signed requests) and its step worker. Without
--services it plays the built-in story: examples/shop on a PostgreSQL database of its own, with a fleet of real shop
replicas that the deploy hook rolls one at a time. Type /migrate in the page; it runs until Ctrl-C.

Options:
  --port N          port of the page (default 3100; 0 picks a free one)
  --host ADDR       address to listen on (default 127.0.0.1); any other than loopback needs --access-token
  --access-token T  every page and API call then needs T (at least 16 characters); "generate" makes one, printed
                    once in the address to open
  --services FILE   your own services file instead of the story
  --socket-mode     Slack reaches the bot over Socket Mode instead of signed HTTP requests
  --replicas N      replicas in the story's fleet (default 3)

Environment: REDIS_URL (default redis://127.0.0.1:6379), DATABASE_URL (the PostgreSQL server the story creates its
database on; default postgres://postgres@127.0.0.1:5432/postgres), PHASEGATE_PYTHON, LOG_LEVEL (default warn).
`;

const OPTIONS: OptionSpecs = {
  port: { type: "string" },
  host: { type: "string" },
  "access-token": { type: "string" },
  services: { type: "string" },
  "socket-mode": { type: "boolean" },
  replicas: { type: "string" },
  help: { type: "boolean", short: "h" },
};

const schema = z.object({
  port: portNumber(3100).default(3100),
  host: z.string().min(1).default("127.0.0.1"),
  "access-token": z.string().min(1, "--access-token needs a token, or generate").optional(),
  services: z.string().min(1).optional(),
  "socket-mode": z.boolean().default(false),
  replicas: z.coerce.number().int().min(1).max(6, "at most 6 replicas").default(3),
  help: z.boolean().default(false),
});

const envSchema = z.object({
  REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
  DATABASE_URL: z
    .url("DATABASE_URL must be a URL such as postgres://postgres@127.0.0.1:5432/postgres")
    .default("postgres://postgres@127.0.0.1:5432/postgres"),
});

/** The page then drives the file's real migrate, deploy and rollout commands: nothing in the sandbox is pretend. */
function realDeploysWarning(file: string): string {
  return `phasegate sandbox: WARNING: --services ${file} is used as it is: a run started in the page migrates the databases and runs the deploy and rollout commands that file names, for real. Point it at a test project, not production.\n`;
}

/** What repeats a stop signal within this long is the same Ctrl-C, forwarded by a wrapper (npm, timeout). */
const REPEAT_MS = 1000;

/** A second Ctrl-C while it stops kills it at once, leaving what it made (its database, its Redis keys). */
function killOnAnotherSignal(): void {
  const first = Date.now();
  const kill = () => {
    if (Date.now() - first < REPEAT_MS) return;
    process.stderr.write(
      "phasegate sandbox: killed before it cleaned up: drop its phasegate_sandbox_* database by hand\n",
    );
    process.exit(130);
  };
  process.on("SIGINT", kill);
  process.on("SIGTERM", kill);
}

export const sandboxCommand: Command = async (argv) => {
  const options = parseOptions(argv, OPTIONS, schema);
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const env = envSchema.safeParse(process.env);
  if (!env.success) throw new CliError(env.error.issues.map((i) => i.message).join("; "));
  if (process.env.LOG_LEVEL === undefined) logger.level = "warn";
  const given = options["access-token"];
  const accessToken = given === "generate" ? generateToken() : (given ?? null);
  if (options.services) process.stderr.write(realDeploysWarning(options.services));
  // Ctrl-C while it starts would kill it before it could remove what it made (the story's database, its
  // replicas): it stops once started instead.
  let started = false;
  let stopAsked = false;
  const stop = Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]).then(() => {
    stopAsked = true;
    if (!started) process.stderr.write("phasegate sandbox: stopping once started, to remove what it made\n");
    killOnAnotherSignal();
  });
  try {
    const sandbox = await startSandbox({
      host: options.host,
      accessToken,
      port: options.port,
      socketMode: options["socket-mode"],
      servicesFile: options.services ?? null,
      redisUrl: env.data.REDIS_URL,
      databaseUrl: env.data.DATABASE_URL,
      python: async () =>
        (await resolvePython(new LocalProcessExecutor(), findPackageFile("examples/shop")))[0] ?? "python3",
      replicas: options.replicas,
      pauseMs: 20,
      slotPauseMs: 2000,
      logger,
    });
    started = true;
    const address = accessToken ? `${sandbox.url}?token=${encodeURIComponent(accessToken)}` : sandbox.url;
    if (!stopAsked)
      process.stdout.write(
        `phasegate sandbox: open ${address} (Slack over ${options["socket-mode"] ? "Socket Mode" : "signed HTTP"}; Ctrl-C stops it)\n`,
      );
    await stop;
    process.stdout.write("phasegate sandbox: stopping\n");
    await sandbox.stop();
    // BullMQ's stalled-job check, closed while it makes its first check, still waits out its 30 s interval.
    exitAfterGrace(0);
    return 0;
  } catch (error) {
    if (error instanceof SandboxError) throw new CliError(error.message, error.exitCode);
    if (error instanceof ConfigError || error instanceof RedisConfigError) throw new CliError(error.message);
    throw error;
  }
};
