import type { Command } from "./command.js";

export interface CommandEntry {
  /** One line for `phasegate --help`. */
  summary: string;
  /** Loaded on use, so `phasegate plan` does not load what `phasegate bot` needs. */
  load: () => Promise<Command>;
}

/** Every subcommand; a name may have two words ("config check"). Add a command with one line here. */
export const COMMANDS: Record<string, CommandEntry> = {
  plan: {
    summary: "Show how the pending migrations would roll out, or why they cannot",
    load: async () => (await import("./plan-command.js")).planCommand,
  },
  split: {
    summary: "Rewrite refused migrations into the safe sequence of their recipes (a diff, or --write)",
    load: async () => (await import("./split-command.js")).splitCommand,
  },
  "config check": {
    summary: "Validate a services file: every problem, where it is and how to fix it",
    load: async () => (await import("./config-check.js")).configCheckCommand,
  },
  run: {
    summary: "Start, approve, reject, cancel, retry and inspect runs (run --help)",
    load: async () => (await import("./run-command.js")).runCommand,
  },
  worker: {
    summary: "Run the steps of every run (migrate, deploy, wait for the rollout) until SIGTERM",
    load: async () => (await import("./worker-command.js")).workerCommand,
  },
  bot: {
    summary: "Run the Slack app (HTTP or Socket Mode)",
    load: async () => (await import("./bot-command.js")).botCommand,
  },
  sandbox: {
    summary: "The whole Slack flow in a browser page, no Slack workspace needed (until Ctrl-C)",
    load: async () => (await import("./sandbox-command.js")).sandboxCommand,
  },
  all: {
    summary: "Run the Slack app and a step worker in one process",
    load: async () => (await import("./bot-command.js")).allCommand,
  },
};
