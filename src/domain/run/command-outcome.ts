import type { CommandOutcome } from "./run.js";

/** What an executor reports about a finished command (structurally the Executor port's CommandResult). */
export interface FinishedCommand {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
}

const TAIL_CHARS = 4000;

function tail(text: string): string {
  return text.length <= TAIL_CHARS ? text : text.slice(-TAIL_CHARS);
}

/** The command as kept with its step: argv, how it ended, the end of its output. */
export function commandOutcome(argv: string[], result: FinishedCommand): CommandOutcome {
  return {
    argv,
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    stdoutTail: tail(result.stdout),
    stderrTail: tail(result.stderr),
    durationMs: result.durationMs,
  };
}

/** The last non-empty line of the output (stderr first when asked): what the command said last. */
export function lastLine(outcome: CommandOutcome, preferStderr = false): string {
  const streams = preferStderr
    ? [outcome.stderrTail, outcome.stdoutTail]
    : [`${outcome.stdoutTail}\n${outcome.stderrTail}`];
  for (const text of streams) {
    const line = text
      .split("\n")
      .filter((l) => l.trim() !== "")
      .at(-1);
    if (line) return line.trim();
  }
  return "";
}

/** "exited with 1: <last line of stderr>" — the line that usually says what went wrong. */
export function describeFailure(outcome: CommandOutcome): string {
  const how = outcome.timedOut
    ? "timed out"
    : outcome.signal
      ? `was stopped by ${outcome.signal}`
      : `exited with ${outcome.exitCode}`;
  const said = lastLine(outcome, true);
  return said ? `${how}: ${said}` : how;
}
