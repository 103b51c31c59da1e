import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { LiveFacts } from "../domain/locks/live-facts.js";
import type { Executor } from "../ports/executor.js";
import type { LiveFactsReader, LiveFactsRequest } from "../ports/live-facts.js";
import { helperErrorSchema } from "./contract.js";
import { helperArgv } from "./helper.js";
import { lastLines } from "./helper-failure.js";

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

/** The facts in the helper's answer, or an Error saying why there are none. */
function readAnswer(stdout: string, stderr: string, exitCode: number | null, timedOut: boolean): LiveFacts {
  if (timedOut) throw new Error("the database did not answer in time");
  const body = parse(stdout);
  const failed = helperErrorSchema.safeParse(body);
  if (failed.success) throw new Error(failed.data.error.message);
  const parsed = liveFactsSchema.safeParse(body);
  if (parsed.success) return parsed.data.liveFacts;
  const why = lastLines(stderr) || `exit code ${exitCode}`;
  throw new Error(`the helper gave no facts (${why})`);
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
        const { stdout, stderr, exitCode, timedOut } = execution.result;
        return readAnswer(stdout, stderr, exitCode, timedOut);
      }
      if (Date.now() >= deadline) throw new Error("the helper did not answer in time");
      await sleep(settings.pollMs ?? 1000, undefined, { signal: request.signal });
    }
  };
}
