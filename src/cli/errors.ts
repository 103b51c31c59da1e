/** A failure the user can fix (bad arguments, a missing project, Django that cannot be introspected): exit code 2. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Bad command-line arguments; the dispatcher prints the command's usage after the message. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = "UsageError";
  }
}
