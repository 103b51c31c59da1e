import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { LiveFacts } from "../domain/locks/live-facts.js";
import type { CommandResult, Executor } from "../ports/executor.js";
import type { LiveFactsReader, LiveFactsRequest } from "../ports/live-facts.js";
import { helperErrorSchema } from "./contract.js";
import { helperArgv } from "./helper.js";
import { explainHelperError, explainProcessFailure, type FailureContext } from "./helper-failure.js";

/** PostgreSQL shows this much of each session's query. */
export const QUERY_CHARS = 80;

const sessionSchema = z.object({
  pid: z.number().int(),
  user: z.string(),
  application: z.string(),
  state: z.string(),
  ageSeconds: z.number(),
  query: z.string(),
  table: z.string().nullable(),
  mode: z.string().nullable(),
});

/** What `introspect.py --live-facts` prints. */
const liveFactsSchema = z.object({
  liveFacts: z.object({
    vendor: z.string(),
    tables: z.array(
      z.object({
        table: z.string(),
        exists: z.boolean(),
        rows: z.number().nullable(),
        bytes: z.number().nullable(),
        sizeOf: z.enum(["table", "database"]),
      }),
    ),
    blockers: z.array(sessionSchema),
    idle: z.array(sessionSchema),
    replicas: z.array(
      z.object({ name: z.string(), state: z.string(), replayLagSeconds: z.number().nullable() }),
    ),
  }),
});

export interface LiveFactsSettings {
  executor: Executor;
  projectDir: string;
  python: string[];
  env: Record<string, string>;
  inline: boolean;
  timeoutMs: number;
  idleSeconds: number;
  maxSessions: number;
  /** How soon to ask a remote executor again. */
  pollMs?: number;
}

function parse(stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    return undefined;
  }
}

/** A read stopped at its time limit, which names the setting that sets it. */
function outOfTime(who: string, timeoutMs: number): Error {
  return new Error(
    `${who} did not answer within ${timeoutMs / 1000} s (liveFacts.timeoutSeconds of the service)`,
  );
}

/**
 * The facts in the helper's answer, or an Error that says why there are none and what to check, in the words of the
 * introspection's errors (the same helper, the same Python and settings).
 */
function readAnswer(result: CommandResult, context: FailureContext): LiveFacts {
  if (result.timedOut) throw outOfTime("the database", context.timeoutMs);
  const body = parse(result.stdout);
  const failed = helperErrorSchema.safeParse(body);
  if (failed.success) throw new Error(explainHelperError(failed.data.error, context));
  const parsed = liveFactsSchema.safeParse(body);
  if (parsed.success) return parsed.data.liveFacts;
  throw new Error(explainProcessFailure(result, context));
}

/** A reader of live facts through the service's executor, like its introspection. */
export function liveFactsReader(settings: LiveFactsSettings): LiveFactsReader {
  return async (request: LiveFactsRequest) => {
    const body = JSON.stringify({
      tables: request.tables,
      idleSeconds: settings.idleSeconds,
      maxSessions: settings.maxSessions,
      queryChars: QUERY_CHARS,
      // Each query gets a share of the time, so that the process answers within it.
      statementTimeoutMs: Math.max(100, Math.floor(settings.timeoutMs / 4)),
    });
    const argv = [
      ...helperArgv({ python: settings.python, targets: [], inline: settings.inline }),
      "--live-facts",
      body,
    ];
    const deadline = Date.now() + settings.timeoutMs;
    for (;;) {
      const execution = await settings.executor.execute(
        {
          key: request.key,
          argv,
          cwd: settings.projectDir,
          env: settings.env,
          timeoutMs: settings.timeoutMs,
          version: request.version,
        },
        request.signal,
      );
      if (execution.state === "finished") {
        return readAnswer(execution.result, {
          python: settings.python,
          settings: settings.env.DJANGO_SETTINGS_MODULE,
          timeoutMs: settings.timeoutMs,
        });
      }
      if (Date.now() >= deadline) throw outOfTime("the helper", settings.timeoutMs);
      await sleep(settings.pollMs ?? 1000, undefined, { signal: request.signal });
    }
  };
}
