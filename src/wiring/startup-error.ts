/** The engine cannot start for a reason the user can fix (no services file, Redis unreachable): exit code 2. */
export class StartupError extends Error {
  readonly exitCode = 2;
}
