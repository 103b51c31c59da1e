import { readFile } from "node:fs/promises";
import path from "node:path";
import { type Document, LineCounter, parseDocument, type YAMLError } from "yaml";
import type { z } from "zod";
import { servicesJsonSchema } from "../services-json-schema.js";
import { serviceSchema, servicesFileSchema } from "../services-schema.js";
import { TOO_DEEP, TOO_DEEP_FIX, tooDeepAt } from "../yaml-nesting.js";
import { type ConfigProblem, configProblems } from "./config-problems.js";
import { localFileProblems } from "./local-files.js";
import { type Location, locator } from "./yaml-location.js";

export interface LocatedProblem extends ConfigProblem {
  location: Location | null;
}

export type CheckResult = { ok: true; services: string[] } | { ok: false; problems: LocatedProblem[] };

const YAML_FIXES: Record<string, string> = {
  TAB_AS_INDENT: "indent with spaces, not tabs",
  DUPLICATE_KEY: "keep one of the two keys (the second would silently replace the first)",
};

function yamlProblem(error: YAMLError): LocatedProblem {
  const position = error.linePos?.[0];
  return {
    path: [],
    location: position ? { line: position.line, column: position.col } : null,
    // The message repeats the position and quotes the line; the location is printed already.
    message: `not valid YAML: ${error.message.split(" at line ")[0]}`,
    fix:
      YAML_FIXES[error.code] ??
      "check the indentation, colons, brackets and quotes on that line and the one above",
  };
}

/**
 * zod stops at a service whose name is refused (its entry is not looked into): each such entry is checked on its
 * own, so one file shows every mistake.
 */
function entriesBehindBadNames(data: unknown, issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const services = (data as { services?: Record<string, unknown> } | null)?.services;
  return issues
    .filter(
      (issue) => issue.code === "invalid_key" && issue.path.length === 2 && issue.path[0] === "services",
    )
    .flatMap((issue) => {
      const name = String(issue.path[1]);
      const entry = serviceSchema.safeParse(services?.[name]);
      return entry.success
        ? []
        : entry.error.issues.map((inner) => ({ ...inner, path: ["services", name, ...inner.path] }));
    });
}

function located(doc: Document, lines: LineCounter, problems: ConfigProblem[]): LocatedProblem[] {
  const locate = locator(doc, lines);
  return problems.map((problem) => ({ ...problem, location: locate(problem.path) }));
}

/** The document as plain data, or why not: yaml refuses aliases that expand without end ("billion laughs"). */
function dataOf(doc: Document): { data: unknown } | { problem: LocatedProblem } {
  try {
    return { data: doc.toJS() };
  } catch (error) {
    const problem: LocatedProblem = {
      path: [],
      location: null,
      message: `its aliases expand too far: ${(error as Error).message}`,
      fix: "write the repeated values out instead of aliases (*name) of aliases",
    };
    return { problem };
  }
}

function schemaProblems(doc: Document, lines: LineCounter, data: unknown): LocatedProblem[] {
  const parsed = servicesFileSchema.safeParse(data);
  if (parsed.success) return [];
  const issues = [...parsed.error.issues, ...entriesBehindBadNames(data, parsed.error.issues)];
  return located(doc, lines, configProblems(issues, data, servicesJsonSchema()));
}

export interface CheckOptions {
  /**
   * Whether the files a service names (local project directory, deploy and rollout commands) must exist here;
   * off to check a file away from the machine that runs phasegate.
   */
  files?: boolean;
}

/** Reads and validates a services file the way the bot and the worker load it, keeping every problem. */
export async function checkServicesFile(file: string, options: CheckOptions = {}): Promise<CheckResult> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const problem: LocatedProblem = {
      path: [],
      location: null,
      message: `cannot read the file: ${(error as Error).message}`,
      fix: "check the path (relative paths start from the current directory) and the file's permissions",
    };
    return { ok: false, problems: [problem] };
  }
  const deep = tooDeepAt(text);
  if (deep)
    return { ok: false, problems: [{ path: [], location: deep, message: TOO_DEEP, fix: TOO_DEEP_FIX }] };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  // After the first syntax error the parser's further errors are mostly its own confusion: one at a time.
  const [syntaxError] = doc.errors;
  if (syntaxError) return { ok: false, problems: [yamlProblem(syntaxError)] };
  const read = dataOf(doc);
  if ("problem" in read) return { ok: false, problems: [read.problem] };
  const problems = schemaProblems(doc, lines, read.data);
  if (problems.length > 0) return { ok: false, problems };
  const { services } = servicesFileSchema.parse(read.data);
  if (options.files !== false) {
    const missing = await localFileProblems(services, path.dirname(path.resolve(file)));
    if (missing.length > 0) return { ok: false, problems: located(doc, lines, missing) };
  }
  return { ok: true, services: Object.keys(services) };
}
