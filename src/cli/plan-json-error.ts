import type { CliError } from "./cli-error.js";

/**
 * `phasegate plan --json` when it exits 2: the same message as on stderr, what kind of failure it is, and the
 * user's file and line when Python named them.
 */
export function renderErrorJson(error: CliError, file: string | null): string {
  const { kind, location } = error.failure;
  const body = {
    error: {
      kind,
      message: error.message,
      file,
      line: location?.line ?? null,
    },
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
