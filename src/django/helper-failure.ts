import type { CommandResult } from "../ports/executor.js";
import type { HelperError } from "./contract.js";

/** What the user must fix, knowing which Python and settings were used. */
export interface FailureContext {
  python: string[];
  settings?: string;
  timeoutMs: number;
}

const PYTHON_ADVICE =
  "pass --python (or set project.python in the services file) to a Python that can import Django, e.g. the project's .venv/bin/python";

/** The last non-empty lines of a process output, where Python puts the exception that ended it. */
export function lastLines(text: string, count = 1): string {
  return text
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "")
    .slice(-count)
    .join("\n");
}

export function explainHelperError(error: HelperError, context: FailureContext): string {
  const python = context.python.join(" ");
  const settings = context.settings ?? "the project's DJANGO_SETTINGS_MODULE (from manage.py)";
  switch (error.kind) {
    case "django-missing":
      return `${python} cannot import Django (${error.message}): ${PYTHON_ADVICE}`;
    case "settings":
      return `the Django settings ${settings} failed to load: ${error.message}. Fix the settings module, or pass --settings (project.settings in the services file) with the right one`;
    case "startup":
      return `Django failed to start: ${error.message}. The settings loaded; fix that file (an app, its models or its ready() hook), or run it with the Django version the project is written for`;
    case "database":
      return `Django cannot reach the database: ${error.message}. Check DATABASE_URL (or DATABASES in the settings) and that the database server is up and accepts this connection`;
    case "graph":
      return `Django cannot build the migration graph: ${error.message}`;
    case "target":
      return `${error.message}. Pass --target app:migration with a migration that exists (manage.py showmigrations lists them)`;
    case "usage":
      return `the introspection helper was called wrongly (${error.message}): this is a phasegate bug, please report it`;
    case "internal":
      return `the introspection helper failed: ${error.message}${error.detail ? `\n${lastLines(error.detail, 6)}` : ""}`;
  }
}

/** A helper run that printed no usable answer: Python missing, killed, or crashed before it could report. */
export function explainProcessFailure(result: CommandResult, context: FailureContext): string {
  const python = context.python.join(" ");
  const stderr = lastLines(result.stderr, 3);
  if (result.timedOut) {
    return `the introspection did not finish within ${context.timeoutMs / 1000} s and was stopped (its processes killed). Check that the Django settings and apps import without waiting on anything (a sleep or a network call at import time), and that the database is reachable (a firewall that drops packets makes the connection hang); a project that needs longer sets introspection.timeoutSeconds for the service`;
  }
  if (result.exitCode === 127 || result.exitCode === 126) {
    return `cannot run Python "${python}" (${stderr || `exit code ${result.exitCode}`}): ${PYTHON_ADVICE}`;
  }
  const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
  return `the introspection helper ${how} without an answer${stderr ? `:\n${stderr}` : ""}\nCheck that "${python}" is Python 3 with Django installed; ${PYTHON_ADVICE}`;
}
