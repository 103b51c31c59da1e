import { readdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";

let machine: string | undefined;

/** This machine as the process ledger names it: hostname and kernel boot id (pids of another boot mean nothing). */
export function thisMachine(): string {
  if (machine === undefined) {
    let boot = "";
    try {
      boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    } catch {
      // not Linux: the hostname alone
    }
    machine = boot ? `${hostname()}/${boot}` : hostname();
  }
  return machine;
}

/**
 * Whether a live (not zombie) process of the process group is left. A zombie runs nothing: the guard of a frozen
 * worker stays one until that worker wakes and reaps it.
 */
export function groupAlive(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return processExists(pgid);
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z") return true;
    } catch {
      // gone meanwhile
    }
  }
  return false;
}

function processExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** Signals the whole process group; false when none of it is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
