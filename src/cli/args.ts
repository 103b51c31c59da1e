import { type ParseArgsConfig, parseArgs } from "node:util";
import type { z } from "zod";
import { UsageError } from "./cli-error.js";

export type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;

/** `--name value` / `--flag` options as node's parseArgs reads them, not validated; throws what parseArgs throws. */
export function readOptions(argv: string[], options: OptionSpecs): Record<string, unknown> {
  return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
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
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join("\n"));
  return parsed.data;
}
