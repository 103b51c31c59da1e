import { ConfigError } from "../config/services-file-error.js";
import { logLevelProblem } from "../telemetry/log-level.js";
import { StartupError } from "../wiring/startup-error.js";
import { CliError, UsageError } from "./cli-error.js";
import { COMMANDS, type CommandEntry } from "./commands.js";

export function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return `Usage: phasegate <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nRun phasegate <command> --help for its options.\n`;
}

/** The registered command named by the first one or two words of argv, and the arguments after it. */
function findCommand(argv: string[]): { name: string; entry: CommandEntry; rest: string[] } | null {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(" ");
    const entry = COMMANDS[name];
    if (argv.length >= words && entry) return { name, entry, rest: argv.slice(words) };
  }
  return null;
}

/** What is wrong with argv's command words: a first word of two-word commands names those. */
function unknownCommand(argv: string[]): string {
  const first = argv[0] ?? "";
  const sharing = Object.keys(COMMANDS).filter((name) => name.startsWith(`${first} `));
  if (sharing.length === 0) return `unknown command "${first}"`;
  const asked = argv.length > 1 ? `"${first} ${argv[1]}"` : `"${first}" alone`;
  return `unknown command ${asked}: ${first} has ${sharing.map((name) => `"${name}"`).join(", ")}`;
}

/** Runs the subcommand argv names and resolves to the exit code; user errors go to stderr with what to do. */
export async function dispatch(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    process.stdout.write(overview());
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    process.stderr.write(`phasegate: ${unknownCommand(argv)}\n\n${overview()}`);
    return 2;
  }
  const logLevel = logLevelProblem();
  if (logLevel) {
    process.stderr.write(`phasegate ${found.name}: ${logLevel}\n`);
    return 2;
  }
  try {
    return await (await found.entry.load())(found.rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(
        `phasegate ${found.name}: ${error.message}\nRun phasegate ${found.name} --help for usage.\n`,
      );
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(
        `phasegate ${found.name}: ${await (await import("./config-error.js")).describeConfigError(error)}`,
      );
      return 2;
    }
    if (error instanceof CliError || error instanceof StartupError) {
      process.stderr.write(`phasegate ${found.name}: ${error.message}\n`);
      return error.exitCode;
    }
    const { logger } = await import("../telemetry/pino-logger.js");
    logger.error({ err: error, command: found.name }, "command failed");
    process.stderr.write(`phasegate ${found.name}: unexpected error: ${(error as Error).message}\n`);
    return 2;
  }
}
