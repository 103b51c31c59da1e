import path from "node:path";
import { CliError } from "./cli-error.js";
import { type EarlyHelper, startEarly } from "./helper-start.js";
import { type Format, requestedFormat } from "./plan-format.js";
import { PLAN_OPTIONS } from "./plan-option-specs.js";

const USAGE = `Usage: phasegate plan --project DIR [--settings MODULE] [--python CMD] [--target app:migration ...] [--format FORMAT] [--json] [--verbose] [--live-facts]

Shows how the pending migrations of the Django project in DIR would roll out (expand, deploy, wait for the
rollout, approval, contract), or why they cannot. Reads the project's database (DATABASE_URL or its settings).

  --project DIR        directory that holds manage.py
  --settings MODULE    DJANGO_SETTINGS_MODULE (default: the project's own)
  --python CMD         Python that can import Django, e.g. "/usr/bin/python3" (default: detected)
  --target app:name    plan only up to this migration, like manage.py migrate app name (repeatable)
  --format FORMAT      text (default); json; github (workflow annotations on the migration file and line of
                       every refused or lock-flagged operation, then the text); sarif (SARIF 2.1.0)
  --json               the same as --format json; an error is {"error": {...}} on stdout too
  --verbose            print the SQL of every operation
  --live-facts         also read the database as it is now (table sizes, sessions that would block each lock) before
                       each migrate step; text and json only; costs one more Python start

Exit status: 0 plan ok, 1 refused (the reasons and recipes are printed), 2 usage, configuration or Django error.
`;

async function runPlan(argv: string[]): Promise<number> {
  // Only what starting the helper needs is loaded so far: the rest loads while Python starts Django.
  const early = startEarly(argv, PLAN_OPTIONS, "plan");
  try {
    return await planWith(argv, early);
  } finally {
    early?.abort();
  }
}

async function planWith(argv: string[], early: EarlyHelper | null): Promise<number> {
  const { parsePlanOptions } = await import("./plan-options.js");
  const options = parsePlanOptions(argv);
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!options.project)
    throw new CliError(`--project DIR is required (the directory that holds manage.py)\n\n${USAGE}`, 2, {
      kind: "usage",
      location: null,
    });
  const format: Format = options.json ? "json" : (options.format ?? "text");
  const projectDir = path.resolve(options.project);
  // The planner and the renderers load while the Django helper runs: the CLI's start-up hides behind Python's.
  const planning = Promise.all([import("../domain/plan/planner.js"), import("./plan-output.js")]);
  const { introspectProject } = await import("./project-options.js");
  const introspection = await introspectProject(
    { projectDir, settings: options.settings, python: options.python, targets: options.target, key: "plan" },
    early,
  );
  const [{ planRelease }, { renderPlan }] = await planning;
  const result = planRelease(introspection);
  // Asked for, and only in the formats a person reads; CI's annotations need no database state.
  const facts =
    options["live-facts"] && result.ok && (format === "text" || format === "json")
      ? await (await import("./plan-facts.js")).readProjectFacts(
          { projectDir, settings: options.settings, python: options.python },
          result.plan,
        )
      : [];
  const render = { verbose: options.verbose, project: options.project, facts };
  process.stdout.write(renderPlan(format, result, introspection, projectDir, render));
  return result.ok ? 0 : 1;
}

export async function planCommand(argv: string[]): Promise<number> {
  const format = requestedFormat(argv);
  try {
    return await runPlan(argv);
  } catch (error) {
    // Anything else is a phasegate bug; the dispatcher says so on stderr, and it exits 2 all the same.
    const reported =
      error instanceof CliError
        ? error
        : new CliError(`unexpected error: ${(error as Error).message}`, 2, {
            kind: "internal",
            location: null,
          });
    (await import("./plan-output.js")).reportError(format, reported, argv);
    throw error;
  }
}
