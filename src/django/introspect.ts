import { setTimeout as sleep } from "node:timers/promises";
import type { Introspection } from "../domain/classify/migration.js";
import type { CommandResult } from "../ports/executor.js";
import { helperErrorSchema, introspectionSchema } from "./contract.js";
import { helperContext, type IntrospectionRequest, startHelper } from "./helper.js";
import { explainHelperError, explainProcessFailure, type FailureContext } from "./helper-failure.js";
import { IntrospectionError } from "./introspection-error.js";

export type IntrospectionProgress =
  | { state: "running"; message: string }
  | { state: "finished"; introspection: Introspection };

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
      // Quoted as JSON: what a broken wrapper prints may hold line breaks and terminal escapes.
      const start = result.stdout.trim().slice(0, 80);
      throw new IntrospectionError(
        `the introspection helper printed something that is not JSON (${start ? `starts with ${JSON.stringify(start)}` : "nothing"}): make sure "${context.python.join(" ")}" runs Python itself, not a wrapper that prints on stdout`,
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

/** Starts the introspection, or asks about the one already started; reads the answer once there is one. */
export async function pollIntrospection(request: IntrospectionRequest): Promise<IntrospectionProgress> {
  const execution = await startHelper(request);
  if (execution.state === "running") return execution;
  return { state: "finished", introspection: readHelperResult(execution.result, helperContext(request)) };
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
