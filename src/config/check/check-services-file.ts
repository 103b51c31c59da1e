import { readFile } from "node:fs/promises";
import { type Document, LineCounter, parseDocument, type YAMLError } from "yaml";
import { servicesJsonSchema } from "../services-json-schema.js";
import { servicesFileSchema } from "../services-schema.js";
import { type ConfigProblem, configProblems } from "./config-problems.js";
import { type Location, locate } from "./yaml-location.js";

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

function schemaProblems(doc: Document, lines: LineCounter): LocatedProblem[] {
  const data: unknown = doc.toJS();
  const parsed = servicesFileSchema.safeParse(data);
  if (parsed.success) return [];
  return configProblems(parsed.error.issues, data, servicesJsonSchema()).map((problem) => ({
    ...problem,
    location: locate(doc, lines, problem.path),
  }));
}

/** Reads and validates a services file the way the bot and the worker load it, keeping every problem. */
export async function checkServicesFile(file: string): Promise<CheckResult> {
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
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  // After the first syntax error the parser's further errors are mostly its own confusion: one at a time.
  const [syntaxError] = doc.errors;
  const problems = syntaxError ? [yamlProblem(syntaxError)] : schemaProblems(doc, lines);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, services: Object.keys(servicesFileSchema.parse(doc.toJS()).services) };
}
