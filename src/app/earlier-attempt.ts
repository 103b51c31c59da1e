import type { EarlierProcesses } from "../ports/attempt-processes.js";

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** What the thread is told became of the earlier attempt's processes, before the next attempt starts. */
export function earlierAttemptNote(earlier: EarlierProcesses, attempt: number): string {
  switch (earlier.kind) {
    case "none":
      return `attempt ${attempt} left nothing running`;
    case "ended":
      return `attempt ${attempt} was still running (its worker stopped answering): it ended by itself after ${seconds(earlier.waitedMs)} of waiting`;
    case "killed":
      return `attempt ${attempt} was still running past its timeout (its worker stopped answering): its processes were killed after ${seconds(earlier.waitedMs)}`;
    case "elsewhere":
      return `attempt ${attempt} ran on ${earlier.host}, which this worker cannot see into: waited ${seconds(earlier.waitedMs)}, until its timeout had passed`;
  }
}
