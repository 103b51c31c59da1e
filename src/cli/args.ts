import { type ParseArgsConfig, parseArgs } from "node:util";
import type { z } from "zod";
import { UsageError } from "./cli-error.js";

export type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;

/**
 * `--name value` / `--flag` options as node's parseArgs reads them, not validated; throws what parseArgs throws, and
 * on a value option given twice: parseArgs keeps the last one, so `run cancel --run A --run B` would cancel only B.
 */
export function readOptions(argv: string[], options: OptionSpecs): Record<string, unknown> {
  const { values, tokens } = parseArgs({
    args: argv,
    options,
    strict: true,
    allowPositionals: false,
    tokens: true,
  });
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== "option" || token.value === undefined || options[token.name]?.multiple) continue;
    if (seen.has(token.name)) throw new Error(`--${token.name} is given more than once: give it once`);
    seen.add(token.name);
  }
  return values;
}

/** The issue's message, after the option it is about unless it names it already ("--limit takes a whole number"). */
function namingItsOption(issue: z.core.$ZodIssue): string {
  if (issue.path.length === 0) return issue.message;
  const option = `--${String(issue.path[0])}`;
  return issue.message.includes(option) ? issue.message : `${option}: ${issue.message}`;
}

/** Reads the options (readOptions), then validates them with the command's schema. */
export function parseOptions<S extends z.ZodType>(
  argv: string[],
  options: OptionSpecs,
  schema: S,
): z.infer<S> {
  let values: Record<string, unknown>;
  try {
    values = readOptions(argv, options);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map(namingItsOption).join("\n"));
  return parsed.data;
}
