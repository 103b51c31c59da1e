import { readdirSync, readFileSync } from "node:fs";

/**
 * Pids of the live processes whose environment holds `NAME=value` (what a process and all it starts inherit).
 * `where`, when given, is asked first: a cheap test that spares reading the environment of every process.
 */
export function processesWithEnv(name: string, value: string, where?: (pid: string) => boolean): number[] {
  const wanted = `${name}=${value}`;
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (where && !where(entry)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // A zombie holds nothing and runs nothing: its parent has not reaped it yet.
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      if (readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(wanted))
        found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
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
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const comm = stat.slice(stat.indexOf("("), stat.lastIndexOf(")") + 1);
    const [state, ppid, pgid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
    return `${pid} ${comm} state ${state}, parent ${ppid}, group ${pgid}: ${command}`;
  } catch {
    return `${pid}: gone`;
  }
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
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return state === "Z" ? null : Number(ppid);
  } catch {
    return null;
  }
}

/** The live processes whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  const pids = readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
  return pids.filter((child) => parentOf(child) === pid);
}
