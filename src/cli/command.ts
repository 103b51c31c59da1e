/** A subcommand: takes its own arguments, writes its output, resolves to the process exit code. */
export type Command = (argv: string[]) => Promise<number>;
