/** What kind of failure, and the user's file and line it comes from when known (for --json and CI annotations). */
export interface CliFailure {
  kind: string;
  location: { file: string; line: number | null } | null;
}

/** A failure the user can fix (bad arguments, a missing project, Django that cannot be introspected): exit code 2. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
    readonly failure: CliFailure = { kind: "error", location: null },
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Bad command-line arguments; the dispatcher prints the command's usage after the message. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2, { kind: "usage", location: null });
    this.name = "UsageError";
  }
}
