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

/**
 * The line of a Python traceback that names the exception ("django.db.utils.ProgrammingError: column "x" does
 * not exist"): not indented, a dotted name whose last part is a class name (so PostgreSQL's "DETAIL:", "HINT:"
 * and "LINE 1:" lines, all capitals, do not count).
 */
const EXCEPTION_LINE = /^(?:[A-Za-z_]\w*\.)*[A-Z]\w*[a-z]\w*: \S/;
/** phasegate's own explanation (the migrate wrapper's), which says more than the exception it explains. */
const PHASEGATE_LINE = /^phasegate: \S/;

/** The line of the output that says what went wrong: phasegate's own, else Python's exception, else the last. */
export function failureLine(outcome: CommandOutcome): string {
  for (const text of [outcome.stderrTail, outcome.stdoutTail]) {
    const lines = text.split("\n").filter((l) => l.trim() !== "");
    const line =
      lines.findLast((l) => PHASEGATE_LINE.test(l)) ?? lines.findLast((l) => EXCEPTION_LINE.test(l));
    if (line) return line.trim();
  }
  return lastLine(outcome, true);
}

/** "exited with 1: django.db.utils.ProgrammingError: …" — the line that says what went wrong. */
export function describeFailure(outcome: CommandOutcome): string {
  const how = outcome.timedOut
    ? "timed out"
    : outcome.signal
      ? `was stopped by ${outcome.signal}`
      : `exited with ${outcome.exitCode}`;
  const said = failureLine(outcome);
  return said ? `${how}: ${said}` : how;
}
