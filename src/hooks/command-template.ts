import path from "node:path";
import type { Execution, Executor } from "../ports/executor.js";

export interface TemplateValues {
  version: string;
  service: string;
  runId: string;
  /** Which run of the hook this is for its step (1 the first time); absent where a hook has none. */
  attempt?: number;
  /** The release live before this deploy (a deploy hook only); null when not known (filled in as ""). */
  previousVersion?: string | null;
}

/**
 * Fills `{version}`, `{service}`, `{runId}`, `{attempt}` and `{previousVersion}` in every argv element; no shell
 * ever parses the result. `{attempt}` and `{previousVersion}` of a hook without them are left as they are; a
 * `{previousVersion}` phasegate does not know becomes the empty string.
 */
export function fillTemplate(argv: readonly string[], values: TemplateValues): string[] {
  return argv.map((arg) =>
    arg.replaceAll(
      /\{(version|service|runId|attempt|previousVersion)\}/g,
      (whole, name: keyof TemplateValues) => {
        const value = values[name];
        return value === undefined ? whole : String(value ?? "");
      },
    ),
  );
}

/** A command hook of the services file (deploy, rollout check). */
export interface CommandHookConfig {
  command: string[];
  /** Relative to the services file's directory. */
  cwd?: string;
  env: Record<string, string>;
  timeoutSeconds: number;
}

/** Runs a command hook for one run through the executor, under the execution key `<runId>-<purpose>`. */
export async function runCommandHook(
  executor: Executor,
  hook: CommandHookConfig,
  baseDir: string,
  request: TemplateValues,
  purpose: string,
  signal?: AbortSignal,
): Promise<{ argv: string[]; execution: Execution }> {
  const argv = fillTemplate(hook.command, request);
  const execution = await executor.execute(
    {
      key: `${request.runId}-${purpose}`,
      runId: request.runId,
      argv,
      cwd: path.resolve(baseDir, hook.cwd ?? "."),
      env: hook.env,
      timeoutMs: hook.timeoutSeconds * 1000,
      version: request.version,
    },
    signal,
  );
  return { argv, execution };
}
