import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

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
