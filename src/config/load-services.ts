import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { z } from "zod";
import { issueLines } from "../domain/issues/issue-lines.js";
import type { RetentionConfig } from "./retention-schema.js";
import { ConfigError } from "./services-file-error.js";
import { type ServiceConfig, type ServicesFile, servicesFileSchema } from "./services-schema.js";
import { TOO_DEEP, TOO_DEEP_FIX, tooDeepAt } from "./yaml-nesting.js";

/** "services.shop.access.approvers: name at least one approver" — the path in the file, then the fix. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issueLines(issues, "(top level)");
}

export interface LoadedServices {
  file: string;
  /** Directory of the services file; relative paths in it are resolved from here. */
  baseDir: string;
  services: ServicesFile["services"];
  /** The file's `retention:` (its defaults when absent); left out by services built in code. */
  retention?: RetentionConfig;
}

export function parseServices(text: string, file: string): LoadedServices {
  const deep = tooDeepAt(text);
  if (deep) throw new ConfigError(file, [`line ${deep.line}: ${TOO_DEEP}; ${TOO_DEEP_FIX}`]);
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    const detail = error instanceof YAMLParseError ? error.message : String(error);
    throw new ConfigError(file, [`not valid YAML: ${detail}`]);
  }
  const parsed = servicesFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(file, describeIssues(parsed.error.issues));
  return {
    file,
    baseDir: path.dirname(path.resolve(file)),
    services: parsed.data.services,
    retention: parsed.data.retention,
  };
}

export async function loadServices(file: string): Promise<LoadedServices> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ConfigError(file, [`cannot read the services file: ${(error as Error).message}`]);
  }
  return parseServices(text, file);
}

export function getService(loaded: LoadedServices, name: string): ServiceConfig {
  const service = loaded.services[name];
  if (!service) {
    const known = Object.keys(loaded.services).join(", ");
    throw new ConfigError(loaded.file, [`no service named "${name}" (known: ${known})`]);
  }
  return service;
}
