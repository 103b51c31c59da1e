import { z } from "zod";
import { helperContext } from "../django/helper.js";
import { readHelperResult } from "../django/introspect.js";
import { IntrospectionError } from "../django/introspection-error.js";
import type { Introspection } from "../domain/classify/migration.js";
import { CliError } from "./cli-error.js";
import { type EarlyHelper, type HelperInputs, pythonCommand, startProjectHelper } from "./helper-start.js";

/** The options of every command that reads a Django project: --project, --settings, --python. */
export const projectOptionsShape = {
  help: z.boolean().default(false),
  project: z.string().min(1, "--project needs a directory").optional(),
  settings: z.string().min(1, "--settings needs a module name, e.g. shop.settings").optional(),
  python: z
    .string()
    .trim()
    .min(1, "--python needs a command, e.g. /usr/bin/python3")
    .transform(pythonCommand)
    .optional(),
};

/**
 * The project's pending migrations as the helper reads them, from the helper started early when it was started
 * for the same inputs; user-fixable problems become CliErrors.
 */
export async function introspectProject(
  request: HelperInputs & { key: string },
  early?: EarlyHelper | null,
): Promise<Introspection> {
  try {
    const { python, execution } = await (early?.startedFor(request) ??
      startProjectHelper(request, request.key));
    // A local process always runs to its end: "running" is a remote executor's answer.
    if (execution.state !== "finished") throw new Error("the local helper answered that it is still running");
    return readHelperResult(execution.result, helperContext({ python, settings: request.settings }));
  } catch (error) {
    if (error instanceof IntrospectionError) throw new CliError(error.message, 2, error.failure);
    throw error;
  }
}
