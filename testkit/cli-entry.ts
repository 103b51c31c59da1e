import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The compiled CLI, as `bin/phasegate.js` runs it: tests spawn what users run, and a compiled process starts in a
 * quarter of the CPU that compiling the sources through tsx costs. testkit/build-dist.ts rebuilds it before the tests
 * when a source is newer.
 */
export const CLI_MAIN = path.join(repoRoot, "dist", "src", "cli", "main.js");

/** Node's arguments that run `phasegate ARGS`. */
export function cliArgv(...args: string[]): string[] {
  return [CLI_MAIN, ...args];
}
