import { setTimeout as sleep } from "node:timers/promises";
import type { Introspection } from "../domain/classify/migration.js";
import type { CommandResult, Executor } from "../ports/executor.js";
import { type HelperError, helperErrorSchema, introspectionSchema } from "./contract.js";
import { helperArgv } from "./helper.js";
import { explainHelperError, explainProcessFailure, type FailureContext } from "./helper-failure.js";

/** What kind of failure, and where in the project's files it happened when Python said so. */
export interface IntrospectionFailure {
  kind: HelperError["kind"] | "process" | "output";
  location: { file: string; line: number | null } | null;
}

/** Django could not be introspected; the message says what to fix. */
export class IntrospectionError extends Error {
  readonly failure: IntrospectionFailure;

  constructor(message: string, failure: IntrospectionFailure = { kind: "process", location: null }) {
    super(message);
    this.name = "IntrospectionError";
    this.failure = failure;
  }
}

export interface IntrospectionRequest {
  executor: Executor;
  /** Directory of manage.py (in the release's image for a remote executor). */
  projectDir: string;
  python: string[];
  settings?: string;
  /** Plan only up to these migrations, like `manage.py migrate app migration`; all leaf nodes when empty. */
  targets: { app: string; migration: string }[];
  /** Execution key: a remote executor finds the execution it already started by it. */
  key: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Run the helper's source with `python -c` (for executors that run in the user's image, not next to phasegate). */
  inline?: boolean;
  /** The release whose code is introspected (remote executors run that release's image). */
  version?: string;
}

export type IntrospectionProgress =
  | { state: "running"; message: string }
  | { state: "finished"; introspection: Introspection };

const DEFAULT_TIMEOUT_MS = 120_000;

function parseJson(stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    return undefined;
  }
}

function zodPath(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("");
}

/** The introspection in the helper's answer, or an IntrospectionError that says what went wrong. */
export function readHelperResult(result: CommandResult, context: FailureContext): Introspection {
  const body = parseJson(result.stdout);
  const error = helperErrorSchema.safeParse(body);
  if (error.success) {
    const { kind, location } = error.data.error;
    throw new IntrospectionError(explainHelperError(error.data.error, context), { kind, location });
  }
  if (body === undefined || result.exitCode !== 0) {
    if (result.exitCode === 0) {
      const start = result.stdout.trim().slice(0, 80);
      throw new IntrospectionError(
        `the introspection helper printed something that is not JSON (${start ? `starts with "${start}"` : "nothing"}): make sure "${context.python.join(" ")}" runs Python itself, not a wrapper that prints on stdout`,
        { kind: "output", location: null },
      );
    }
    throw new IntrospectionError(explainProcessFailure(result, context));
  }
  const parsed = introspectionSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `at ${zodPath(issue.path) || "the top level"}: ${issue.message}` : "";
    throw new IntrospectionError(
      `the introspection helper's answer does not match what phasegate expects ${where}. Use the helper shipped with this phasegate version`,
      { kind: "output", location: null },
    );
  }
  return parsed.data;
}

/**
 * Starts the introspection, or asks about the one already started under `request.key`: a remote executor may
 * answer "running", and the caller asks again later instead of waiting.
 */
export async function pollIntrospection(request: IntrospectionRequest): Promise<IntrospectionProgress> {
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const context = { python: request.python, settings: request.settings, timeoutMs };
  const execution = await request.executor.execute(
    {
      key: request.key,
      argv: helperArgv({ ...context, targets: request.targets, inline: request.inline }),
      cwd: request.projectDir,
      env: request.env,
      timeoutMs,
      version: request.version,
    },
    request.signal,
  );
  if (execution.state === "running") return execution;
  return { state: "finished", introspection: readHelperResult(execution.result, context) };
}

/** Introspects the project, waiting `pollMs` between questions while a remote executor is still running. */
export async function introspect(
  request: IntrospectionRequest & { pollMs?: number },
): Promise<Introspection> {
  for (;;) {
    const progress = await pollIntrospection(request);
    if (progress.state === "finished") return progress.introspection;
    await sleep(request.pollMs ?? 1_000, undefined, { signal: request.signal });
  }
}
