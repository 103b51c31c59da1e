import { stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { IntrospectionError, introspect } from "../django/introspect.js";
import { resolvePython } from "../django/python.js";
import type { Introspection } from "../domain/classify/migration.js";
import { LocalProcessExecutor } from "../executors/local-process.js";
import { logger } from "../telemetry/pino-logger.js";
import { CliError } from "./cli-error.js";

/** The options of every command that reads a Django project: --project, --settings, --python. */
export const projectOptionsShape = {
  help: z.boolean().default(false),
  project: z.string().min(1, "--project needs a directory").optional(),
  settings: z.string().min(1, "--settings needs a module name, e.g. shop.settings").optional(),
  python: z
    .string()
    .trim()
    .min(1, "--python needs a command, e.g. /usr/bin/python3")
    .transform((command) => command.split(/\s+/))
    .optional(),
};

async function assertDjangoProject(projectDir: string): Promise<void> {
  const managePy = path.join(projectDir, "manage.py");
  const found = await stat(managePy).catch(() => null);
  if (!found?.isFile()) {
    throw new CliError(
      `no manage.py in ${projectDir}: pass --project with the directory of your Django project`,
    );
  }
}

export interface ProjectRequest {
  projectDir: string;
  settings?: string;
  python?: string[];
  targets: { app: string; migration: string }[];
  key: string;
}

/** The project's pending migrations as the helper reads them; user-fixable problems become CliErrors. */
export async function introspectProject(request: ProjectRequest): Promise<Introspection> {
  await assertDjangoProject(request.projectDir);
  try {
    const executor = new LocalProcessExecutor();
    const python = await resolvePython(executor, request.projectDir, request.python);
    logger.debug({ projectDir: request.projectDir, python }, "introspecting the Django project");
    return await introspect({ ...request, executor, python });
  } catch (error) {
    if (error instanceof IntrospectionError) throw new CliError(error.message, 2, error.failure);
    throw error;
  }
}
