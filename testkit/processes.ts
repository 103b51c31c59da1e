import { readdirSync, readFileSync } from "node:fs";

/** The pids under /proc now. */
function allPids(): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

/** What /proc/<pid>/stat says of a process (its name in parentheses may hold spaces); null once it is gone. */
function statOf(pid: number): { comm: string; state: string; ppid: number; pgid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    const [state = "", ppid, pgid] = stat.slice(close + 2).split(" ");
    return { comm: stat.slice(stat.indexOf("("), close + 1), state, ppid: Number(ppid), pgid: Number(pgid) };
  } catch {
    return null;
  }
}

/**
 * Pids of the live processes whose environment holds `NAME=value` (what a process and all it starts inherit).
 * `where`, when given, is asked first: a cheap test that spares reading the environment of every process.
 */
export function processesWithEnv(name: string, value: string, where?: (pid: string) => boolean): number[] {
  const wanted = `${name}=${value}`;
  return allPids().filter((pid) => {
    try {
      if (where && !where(String(pid))) return false;
      // A zombie holds nothing and runs nothing: its parent has not reaped it yet.
      const state = statOf(pid)?.state;
      if (state === undefined || state === "Z") return false;
      return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(wanted);
    } catch {
      // gone meanwhile, or not ours to read
      return false;
    }
  });
}

/**
 * Waits until no live process has `NAME=value` in its environment; after `ms`, what is still there, each process
 * described (state, parent, group, command line) so that a failing test says what outlived what.
 */
export async function processesGone(name: string, value: string, ms = 5_000): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = processesWithEnv(name, value);
    if (left.length === 0 || Date.now() > deadline) return left.map(describeProcess);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `pid (comm) state S, parent P, group G: command line`, or `pid: gone` once it has ended. */
function describeProcess(pid: number): string {
  const stat = statOf(pid);
  if (!stat) return `${pid}: gone`;
  let command = "";
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    // ended meanwhile: its stat is still worth telling
  }
  return `${pid} ${stat.comm} state ${stat.state}, parent ${stat.ppid}, group ${stat.pgid}: ${command}`;
}

/** SIGKILLs every process with `NAME=value` in its environment (a test's cleanup, whatever it left). */
export function killProcessesWithEnv(name: string, value: string): void {
  for (const pid of processesWithEnv(name, value)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** The parent of a live process; null once it is gone or a zombie. */
export function parentOf(pid: number): number | null {
  const stat = statOf(pid);
  return !stat || stat.state === "Z" ? null : stat.ppid;
}

/** The live processes whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  return allPids().filter((child) => parentOf(child) === pid);
}
