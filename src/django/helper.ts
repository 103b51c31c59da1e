import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Execution, Executor } from "../ports/executor.js";
import type { FailureContext } from "./helper-failure.js";

const HELPER = path.join("src", "django", "introspect.py");

/**
 * Python helpers ship as files next to the TypeScript sources; the compiled code runs from dist/src/django, so
 * walk up to the package root (the directory with package.json) instead of assuming a depth.
 */
export function findPackageFile(relative: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, "package.json"))) return path.join(dir, relative);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`phasegate is installed without ${relative}: reinstall the package`);
    dir = parent;
  }
}

let helperPath: string | undefined;
let helperSource: string | undefined;

export function introspectionHelperPath(): string {
  helperPath ??= findPackageFile(HELPER);
  return helperPath;
}

/** The helper's Python source, for running it where the file does not exist (`python -c <source>` in a Job). */
export function introspectionHelperSource(): string {
  helperSource ??= readFileSync(introspectionHelperPath(), "utf8");
  return helperSource;
}

export interface HelperInvocation {
  /** The Python command, e.g. ["/usr/bin/python3"] or ["poetry", "run", "python"]. */
  python: string[];
  settings?: string;
  targets: { app: string; migration: string }[];
  /** Pass the source on the command line instead of the file path (remote executors run in the user's image). */
  inline?: boolean;
}

/** argv that runs the helper; run it with the Django project directory as the working directory. */
export function helperArgv(invocation: HelperInvocation): string[] {
  const script = invocation.inline ? ["-c", introspectionHelperSource()] : [introspectionHelperPath()];
  const settings = invocation.settings ? ["--settings", invocation.settings] : [];
  const targets = invocation.targets.map((t) => `${t.app}:${t.migration}`);
  return [...invocation.python, ...script, ...settings, ...targets];
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

const DEFAULT_TIMEOUT_MS = 120_000;

/** What the messages about a failed introspection need to know of the request. */
export function helperContext(
  request: Pick<IntrospectionRequest, "python" | "settings" | "timeoutMs">,
): FailureContext {
  return {
    python: request.python,
    settings: request.settings,
    timeoutMs: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}

/**
 * Runs the helper through the request's executor, or asks about the run already started under `request.key`: a
 * remote executor may answer "running", and the caller asks again later instead of waiting.
 */
export function startHelper(request: IntrospectionRequest): Promise<Execution> {
  const context = helperContext(request);
  return request.executor.execute(
    {
      key: request.key,
      argv: helperArgv({ ...context, targets: request.targets, inline: request.inline }),
      cwd: request.projectDir,
      env: request.env,
      timeoutMs: context.timeoutMs,
      version: request.version,
    },
    request.signal,
  );
}
