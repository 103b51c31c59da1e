import { once } from "node:events";
import { z } from "zod";
import { serveMetricsFromEnv } from "../metrics/metrics-server.js";
import { logger } from "../telemetry/pino-logger.js";
import { boundHeapGrowth } from "../wiring/heap-growth.js";
import { openEngine } from "../wiring/open-engine.js";
import { startWorker } from "../wiring/start-worker.js";
import { type OptionSpecs, parseOptions } from "./args.js";
import { exitAfterGrace } from "./exit-after.js";
import { CONNECTION_OPTIONS, CONNECTION_USAGE, connectionFields, connectionOf } from "./run-connection.js";

const USAGE = `Usage: phasegate worker [--services FILE] [--redis URL] [--prefix P] [--concurrency N]
                        [--lock-duration-ms MS] [--stalled-interval-ms MS]

Runs the steps of every run (migrate, deploy, wait for the rollout) until SIGTERM or SIGINT, then finishes the
step it runs and stops. Start several for redundancy: each step runs once.

${CONNECTION_USAGE}
  --concurrency N            steps run at once (default 10); runs waiting for a rollout hold none
  --lock-duration-ms MS      how long a step's lock lasts without renewal (default 30000)
  --stalled-interval-ms MS   how often steps of dead workers are looked for (default 30000)

Environment: METRICS_PORT serves /metrics and /healthz on that port (not served when unset).
`;

const OPTIONS: OptionSpecs = {
  ...CONNECTION_OPTIONS,
  concurrency: { type: "string" },
  "lock-duration-ms": { type: "string" },
  "stalled-interval-ms": { type: "string" },
  help: { type: "boolean", short: "h" },
};

const positiveInt = (flag: string) =>
  z.coerce.number().int(`${flag} takes a whole number`).positive(`${flag} must be positive`).optional();

const schema = z.object({
  ...connectionFields,
  help: z.boolean().default(false),
  concurrency: positiveInt("--concurrency"),
  "lock-duration-ms": positiveInt("--lock-duration-ms"),
  "stalled-interval-ms": positiveInt("--stalled-interval-ms"),
});

export async function workerCommand(argv: string[]): Promise<number> {
  const options = parseOptions(argv, OPTIONS, schema);
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  boundHeapGrowth();
  const { engine, close } = await openEngine(connectionOf(options), "worker");
  const worker = startWorker(engine, {
    concurrency: options.concurrency,
    lockDurationMs: options["lock-duration-ms"],
    stalledIntervalMs: options["stalled-interval-ms"],
  });
  const metrics = await serveMetricsFromEnv(process.env, logger);
  const signal = await Promise.race([once(process, "SIGTERM"), once(process, "SIGINT")]);
  logger.info({ signal }, "stopping the worker: finishing the current steps");
  const settled = await worker.close();
  await metrics?.close();
  await close();
  const code = settled ? 0 : 1;
  exitAfterGrace(code);
  return code;
}
