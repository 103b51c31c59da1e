import { stat } from "node:fs/promises";
import path from "node:path";
import { startHelper } from "../django/helper.js";
import { resolvePython } from "../django/python.js";
import { LocalProcessExecutor } from "../executors/local-process.js";
import type { Execution } from "../ports/executor.js";
import { logger } from "../telemetry/pino-logger.js";
import { type OptionSpecs, readOptions } from "./args.js";
import { CliError } from "./cli-error.js";

/** The project, settings, Python and targets a helper runs for; `python` absent: found as resolvePython finds it. */
export interface HelperInputs {
  projectDir: string;
  settings?: string;
  python?: string[];
  targets: { app: string; migration: string }[];
}

export interface StartedHelper {
  python: string[];
  execution: Execution;
}

/**
 * `--python "poetry run python"` is a command of several words. A first word that is a relative path
 * (`./venv/bin/python`) is where the shell the user typed it in would find it: from the current directory, not from
 * the project directory the helper runs in.
 */
export function pythonCommand(text: string): string[] {
  const [first = "", ...rest] = text.trim().split(/\s+/);
  const program = first.includes("/") && !path.isAbsolute(first) ? path.resolve(first) : first;
  return [program, ...rest];
}

/** `--target app:migration`, null when it is not one. */
export function targetOf(text: string): { app: string; migration: string } | null {
  if (!/^\w+:\w+$/.test(text)) return null;
  const [app = "", migration = ""] = text.split(":");
  return { app, migration };
}

async function assertDjangoProject(projectDir: string): Promise<void> {
  const managePy = path.join(projectDir, "manage.py");
  const found = await stat(managePy).catch(() => null);
  if (!found?.isFile()) {
    throw new CliError(
      `no manage.py in ${projectDir}: pass --project with the directory of your Django project`,
    );
  }
}

/** Checks that the directory is a Django project, resolves its Python and starts the helper on this machine. */
export async function startProjectHelper(
  inputs: HelperInputs,
  key: string,
  signal?: AbortSignal,
): Promise<StartedHelper> {
  await assertDjangoProject(inputs.projectDir);
  const executor = new LocalProcessExecutor();
  const python = await resolvePython(executor, inputs.projectDir, inputs.python, signal);
  logger.debug({ projectDir: inputs.projectDir, python }, "introspecting the Django project");
  const execution = await startHelper({ ...inputs, executor, python, key, signal });
  return { python, execution };
}

function sameInputs(a: HelperInputs, b: HelperInputs): boolean {
  const words = (inputs: HelperInputs) =>
    JSON.stringify([
      inputs.projectDir,
      inputs.settings ?? null,
      inputs.python ?? null,
      inputs.targets.map((t) => `${t.app}:${t.migration}`),
    ]);
  return words(a) === words(b);
}

/** A helper started before the command's options were validated, for the options as typed. */
export interface EarlyHelper {
  /** The started helper when the validated options ask for the same inputs, else null. */
  startedFor(inputs: HelperInputs): Promise<StartedHelper> | null;
  /** Stops it if it is still running (the options were refused, or asked for something else). */
  abort(): void;
}

/**
 * Starts the helper on the options as typed, before they are validated: loading the validation (zod) and the
 * planner takes longer than the checks themselves, and Python's start is a small plan's longest wait. What it
 * answers counts only if the validated options ask for the same inputs (startedFor); otherwise it is aborted.
 */
export function startEarly(argv: string[], options: OptionSpecs, key: string): EarlyHelper | null {
  let values: Record<string, unknown>;
  try {
    values = readOptions(argv, options);
  } catch {
    return null;
  }
  const { project, settings, python, target = [], help } = values;
  if (help || typeof project !== "string" || !project) return null;
  if (settings !== undefined && typeof settings !== "string") return null;
  if (python !== undefined && typeof python !== "string") return null;
  const targets = (target as string[]).map(targetOf);
  if (targets.some((t) => t === null)) return null;
  const inputs: HelperInputs = {
    projectDir: path.resolve(project),
    settings: settings || undefined,
    python: python === undefined ? undefined : pythonCommand(python),
    targets: targets.filter((t) => t !== null),
  };
  const controller = new AbortController();
  const started = startProjectHelper(inputs, key, controller.signal);
  // Not asked for when the options are refused: its failure is the validated path's to report, or nobody's.
  started.catch(() => {});
  return {
    startedFor: (asked) => (sameInputs(inputs, asked) ? started : null),
    abort: () => controller.abort(),
  };
}
