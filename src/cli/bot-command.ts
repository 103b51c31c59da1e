import { once } from "node:events";
import { z } from "zod";
import { describeIssues, loadServices } from "../config/load-services.js";
import { slackEnvSchema } from "../slack/inbound/app.js";
import { logger } from "../telemetry/pino-logger.js";
import { startBot } from "../wiring/bot.js";
import { boundHeapGrowth } from "../wiring/heap-growth.js";
import { connectRedis } from "../wiring/open-engine.js";
import { type OptionSpecs, parseOptions } from "./args.js";
import { CliError } from "./cli-error.js";
import type { Command } from "./command.js";
import { exitAfterGrace } from "./exit-after.js";
import { CONNECTION_OPTIONS, CONNECTION_USAGE, connectionFields, connectionOf } from "./run-connection.js";

const usage = (
  name: string,
  what: string,
) => `Usage: phasegate ${name} [--services FILE] [--redis URL] [--prefix P]

${what}

${CONNECTION_USAGE}

Environment: SLACK_BOT_TOKEN (xoxb-…); SLACK_SIGNING_SECRET for HTTP mode on PORT (default 3000), or
SLACK_APP_TOKEN (xapp-…) for Socket Mode; SLACK_API_URL (optional). HTTP mode takes Slack's requests at
/slack/events and serves /healthz, /readyz and /metrics on the same port. Stops on SIGTERM or SIGINT.
`;

const OPTIONS: OptionSpecs = { ...CONNECTION_OPTIONS, help: { type: "boolean", short: "h" } };
const schema = z.object({ ...connectionFields, help: z.boolean().default(false) });

function readEnv() {
  const parsed = slackEnvSchema.safeParse(process.env);
  if (!parsed.success)
    throw new CliError(
      `the environment is not usable:\n  ${describeIssues(parsed.error.issues).join("\n  ")}`,
    );
  return parsed.data;
}

/** A port taken or not ours to take (EADDRINUSE, EACCES), said with the fix; null for any other failure. */
function listenFailure(error: unknown, port: number): CliError | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code !== "EADDRINUSE" && code !== "EACCES") return null;
  return new CliError(
    `cannot listen on PORT ${port} (${(error as Error).message}): set PORT to a free port (0 picks one)`,
  );
}

function serveCommand(name: string, what: string, withWorker: boolean): Command {
  return async (argv) => {
    const options = parseOptions(argv, OPTIONS, schema);
    if (options.help) {
      process.stdout.write(usage(name, what));
      return 0;
    }
    boundHeapGrowth();
    const env = readEnv();
    const connection = connectionOf(options);
    if (!connection.services)
      throw new CliError("no services file: pass --services FILE or set PHASEGATE_SERVICES");
    const services = await loadServices(connection.services);
    // Like a worker, the bot keeps retrying a lost Redis connection; /readyz tells while it is gone.
    const redis = await connectRedis(connection, "serve");
    const bot = await startBot({ env, services, redis, prefix: connection.prefix, logger, withWorker }).catch(
      (error: unknown) => {
        redis.disconnect();
        // As after a stop, the Slack Web API client may still be retrying (the token check): the process ends.
        exitAfterGrace(2);
        throw listenFailure(error, env.PORT) ?? error;
      },
    );
    const signal = await Promise.race([once(process, "SIGTERM"), once(process, "SIGINT")]);
    logger.info({ signal }, `stopping phasegate ${name}`);
    await bot.stop();
    redis.disconnect();
    // Slack calls the Web API client still retries (for up to half an hour when Slack cannot be reached).
    exitAfterGrace(0);
    return 0;
  };
}

export const botCommand = serveCommand(
  "bot",
  "Runs the Slack app: /migrate, the approval buttons and the run cards. Steps run in `phasegate worker`.",
  false,
);
export const allCommand = serveCommand(
  "all",
  "Runs the Slack app and a step worker in one process (one replica installations).",
  true,
);
