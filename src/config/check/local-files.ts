import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import path from "node:path";
import type { ServiceConfig } from "../services-schema.js";
import type { ConfigProblem } from "./config-problems.js";

/** The release a `{version}` in project.path is shown expanded with, as an example. */
const EXAMPLE_VERSION = "v42";

async function isDirectory(where: string): Promise<boolean> {
  return stat(where).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function isFile(where: string): Promise<boolean> {
  return stat(where).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function isExecutableFile(where: string): Promise<boolean> {
  return (
    (await isFile(where)) &&
    access(where, constants.X_OK).then(
      () => true,
      () => false,
    )
  );
}

async function onPath(command: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean))
    if (await isExecutableFile(path.join(dir, command))) return true;
  return false;
}

async function projectProblems(
  name: string,
  service: ServiceConfig,
  baseDir: string,
): Promise<ConfigProblem[]> {
  // Elsewhere the project lives in the release's image, not on this machine.
  if (service.executor.kind !== "local") return [];
  const where = ["services", name, "project", "path"];
  const written = service.project.path;
  if (written.includes("{version}")) {
    const example = path.resolve(baseDir, written.replaceAll("{version}", EXAMPLE_VERSION));
    const parent = path.resolve(baseDir, written.slice(0, written.indexOf("{version}")));
    if (await isDirectory(parent)) return [];
    return [
      {
        path: where,
        message: `${parent} does not exist, so no release can be checked out under it (release ${EXAMPLE_VERSION} would be read from ${example})`,
        fix: "create the directory where your pipeline checks out each release, or correct project.path (relative paths start from the services file's directory)",
      },
    ];
  }
  const dir = path.resolve(baseDir, written);
  if (!(await isDirectory(dir)))
    return [
      {
        path: where,
        message: `the project directory ${dir} does not exist`,
        fix: "give the directory holding manage.py (relative paths start from the services file's directory)",
      },
    ];
  const managePy = path.resolve(dir, service.project.managePy);
  if (await isFile(managePy)) return [];
  return [
    {
      path: where,
      message: `${dir} holds no ${service.project.managePy}`,
      fix: "point project.path at the Django project's root, or set project.managePy",
    },
  ];
}

/** How a program is named in the file: the key holding its argv, and where a relative one starts from. */
interface ProgramAt {
  at: string[];
  key: "command" | "python";
  /** The directory it runs in, as written (relative to the services file). */
  cwd: string | undefined;
  /** The key that sets that directory, for a directory that does not exist. */
  cwdKey: string;
  /** A relative program, as the fix shows it (`./script.sh`), and the setting it starts from (`cwd`). */
  example: string;
  startsFrom: string;
}

/** A program: an argv[0] with a slash from the directory it runs in, else from PATH, as the process would start. */
async function programProblems(
  { at, key, cwd, cwdKey, example, startsFrom }: ProgramAt,
  argv: string[],
  baseDir: string,
): Promise<ConfigProblem[]> {
  const program = argv[0] ?? "";
  // A placeholder in the program itself is only known per run.
  if (program.includes("{")) return [];
  const dir = path.resolve(baseDir, cwd ?? ".");
  if (!(await isDirectory(dir)))
    return [
      {
        path: [...at, cwdKey],
        message: `the directory ${dir} does not exist`,
        fix: `correct ${cwdKey} (relative paths start from the services file's directory)`,
      },
    ];
  if (program.includes("/")) {
    const file = path.resolve(dir, program);
    if (await isExecutableFile(file)) return [];
    return [
      {
        path: [...at, key],
        message: `${file} is missing or not executable`,
        fix: `create it, or make it executable (chmod +x ${file}); a relative ${key} starts from ${startsFrom}, where it runs`,
      },
    ];
  }
  if (await onPath(program)) return [];
  return [
    {
      path: [...at, key],
      message: `"${program}" is not on PATH`,
      fix: `install it, or give its path (${example} from ${startsFrom}, or an absolute path)`,
    },
  ];
}

/**
 * project.python of a local executor, when given. A missing project directory is projectProblems' to report; under
 * a per-release `{version}` path the directory it runs in is only known per run.
 */
async function pythonProblems(
  name: string,
  service: ServiceConfig,
  baseDir: string,
): Promise<ConfigProblem[]> {
  const { python, path: projectPath } = service.project;
  if (service.executor.kind !== "local" || !python) return [];
  if (projectPath.includes("{version}") || !(await isDirectory(path.resolve(baseDir, projectPath))))
    return [];
  const at = ["services", name, "project"];
  return programProblems(
    {
      at,
      key: "python",
      cwd: projectPath,
      cwdKey: "path",
      example: "./.venv/bin/python",
      startsFrom: "project.path",
    },
    python,
    baseDir,
  );
}

/**
 * What the schema cannot see: the files a service names on the machine that runs it (the project directory and
 * Python of a local executor, the deploy and rollout commands).
 */
export async function localFileProblems(
  services: Record<string, ServiceConfig>,
  baseDir: string,
): Promise<ConfigProblem[]> {
  const checks = Object.entries(services).flatMap(([name, service]) => [
    projectProblems(name, service, baseDir),
    pythonProblems(name, service, baseDir),
    ...(["deployer", "rollout"] as const).map((key) => {
      const part = service[key];
      const at = ["services", name, key];
      return part.kind === "command"
        ? programProblems(
            { at, key: "command", cwd: part.cwd, cwdKey: "cwd", example: "./script.sh", startsFrom: "cwd" },
            part.command,
            baseDir,
          )
        : Promise.resolve([]);
    }),
  ]);
  return (await Promise.all(checks)).flat();
}
