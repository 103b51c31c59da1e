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

/** A command's program: an argv[0] with a slash from its cwd, else from PATH, as the process would be started. */
async function commandProblems(
  at: string[],
  command: string[],
  cwd: string | undefined,
  baseDir: string,
): Promise<ConfigProblem[]> {
  const program = command[0] ?? "";
  // A placeholder in the program itself is only known per run.
  if (program.includes("{")) return [];
  const dir = path.resolve(baseDir, cwd ?? ".");
  if (!(await isDirectory(dir)))
    return [
      {
        path: [...at, "cwd"],
        message: `the directory ${dir} does not exist`,
        fix: "correct cwd (relative paths start from the services file's directory)",
      },
    ];
  if (program.includes("/")) {
    const file = path.resolve(dir, program);
    if (await isExecutableFile(file)) return [];
    return [
      {
        path: [...at, "command"],
        message: `${file} is missing or not executable`,
        fix: `create it, or make it executable (chmod +x ${file}); relative commands start from cwd`,
      },
    ];
  }
  if (await onPath(program)) return [];
  return [
    {
      path: [...at, "command"],
      message: `"${program}" is not on PATH`,
      fix: "install it, or give its path (./script.sh from cwd, or an absolute path)",
    },
  ];
}

/**
 * What the schema cannot see: the files a service names on the machine that runs it (the project directory of a
 * local executor, the deploy and rollout commands).
 */
export async function localFileProblems(
  services: Record<string, ServiceConfig>,
  baseDir: string,
): Promise<ConfigProblem[]> {
  const checks = Object.entries(services).flatMap(([name, service]) => [
    projectProblems(name, service, baseDir),
    ...(["deployer", "rollout"] as const).map((key) => {
      const part = service[key];
      return part.kind === "command"
        ? commandProblems(["services", name, key], part.command, part.cwd, baseDir)
        : Promise.resolve([]);
    }),
  ]);
  return (await Promise.all(checks)).flat();
}
