import path from "node:path";
import type { Executor } from "../ports/executor.js";
import { lastLines } from "./helper-failure.js";
import { IntrospectionError } from "./introspection-error.js";

const PROBE_TIMEOUT_MS = 20_000;

/** Where a project's Python usually is: its virtualenv, then the PATH, then Debian's system Python. */
function candidates(projectDir: string): string[] {
  const fromEnv = process.env.PHASEGATE_PYTHON?.trim();
  return [
    ...(fromEnv ? [fromEnv] : []),
    path.join(projectDir, ".venv", "bin", "python"),
    path.join(projectDir, "venv", "bin", "python"),
    "python3",
    "/usr/bin/python3",
  ];
}

/** Null when the Python can import Django, otherwise why not. */
async function probe(executor: Executor, python: string, signal?: AbortSignal): Promise<string | null> {
  const execution = await executor.execute(
    { key: "probe-python", argv: [python, "-c", "import django"], timeoutMs: PROBE_TIMEOUT_MS },
    signal,
  );
  if (execution.state !== "finished") return "did not answer";
  const { result } = execution;
  if (result.exitCode === 0) return null;
  if (result.exitCode === 127) return "not found";
  return lastLines(result.stderr) || `exit code ${result.exitCode}`;
}

/**
 * The Python command to introspect the project with (probed through a local executor): the explicit one, else the first candidate that can
 * import Django (on Debian a pyenv python3 first on the PATH may lack it while /usr/bin/python3 has it).
 */
export async function resolvePython(
  executor: Executor,
  projectDir: string,
  explicit?: string[],
  signal?: AbortSignal,
): Promise<string[]> {
  if (explicit && explicit.length > 0) return explicit;
  const list = candidates(projectDir);
  // All probes start at once; the first candidate in order that imports Django wins.
  const probes = list.map((candidate) => probe(executor, candidate, signal));
  const tried: string[] = [];
  for (const [i, candidate] of list.entries()) {
    const why = await probes[i];
    if (why === null) return [candidate];
    tried.push(`  ${candidate}: ${why}`);
  }
  throw new IntrospectionError(
    `no Python that can import Django; tried:\n${tried.join("\n")}\nPass --python (or set project.python in the services file), or install Django in the project's .venv`,
    { kind: "django-missing", location: null },
  );
}
