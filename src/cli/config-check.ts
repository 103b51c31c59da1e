import { parseArgs } from "node:util";
import {
  type CheckResult,
  checkServicesFile,
  type LocatedProblem,
} from "../config/check/check-services-file.js";
import { UsageError } from "./cli-error.js";

const USAGE = `Usage: phasegate config check [--skip-files] FILE

Validates a services file the way phasegate loads it and prints every problem: where it is (file:line:column
and the key path) and how to fix it. The reference of every key is schema/services.schema.json.

Then, on the machine it runs on, it checks the files the services name: a local executor's project directory
(with manage.py; with {version}, the directory releases are checked out under) and the deploy and rollout
commands (present and executable, or on PATH). --skip-files leaves these out, to check a file elsewhere (in the
config repository's CI, say).

Exit status: 0 the file is valid, 1 problems were found, 2 usage error.
`;

function formatProblem(file: string, problem: LocatedProblem): string {
  const where = problem.location ? `${file}:${problem.location.line}:${problem.location.column}` : file;
  const path = problem.path.length > 0 ? `${problem.path.map(String).join(".")}: ` : "";
  const fix = problem.fix ? `\n  fix: ${problem.fix}` : "";
  return `${where}: ${path}${problem.message}${fix}\n`;
}

export function formatCheck(file: string, result: CheckResult): string {
  if (result.ok) {
    const count = result.services.length;
    return `${file}: ok, ${count} service${count === 1 ? "" : "s"} (${result.services.join(", ")})\n`;
  }
  const count = result.problems.length;
  const problems = result.problems.map((problem) => formatProblem(file, problem)).join("");
  return `${problems}${file}: ${count} problem${count === 1 ? "" : "s"}\n`;
}

function parseCheckArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: { help: { type: "boolean", short: "h" }, "skip-files": { type: "boolean" } },
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export async function configCheckCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCheckArgs(argv);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0)
    throw new UsageError("give exactly one services file, e.g. phasegate config check services.yaml");
  const result = await checkServicesFile(file, { files: !values["skip-files"] });
  process.stdout.write(formatCheck(file, result));
  return result.ok ? 0 : 1;
}
