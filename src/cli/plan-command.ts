import path from "node:path";
import { z } from "zod";
import { type OptionSpecs, parseOptions } from "./args.js";
import { CliError } from "./cli-error.js";
import { readProjectFacts } from "./plan-facts.js";
import { FORMATS, type Format, requestedFormat } from "./plan-format.js";
import { introspectProject, projectOptionsShape } from "./project-options.js";

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

const OPTIONS: OptionSpecs = {
  project: { type: "string" },
  settings: { type: "string" },
  python: { type: "string" },
  target: { type: "string", multiple: true },
  format: { type: "string" },
  json: { type: "boolean" },
  verbose: { type: "boolean" },
  "live-facts": { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

const targetSchema = z
  .string()
  .regex(/^\w+:\w+$/, "--target takes app:migration, e.g. --target catalog:0002_product_is_active")
  .transform((value) => {
    const [app = "", migration = ""] = value.split(":");
    return { app, migration };
  });

const planOptionsSchema = z.object({
  ...projectOptionsShape,
  target: z.array(targetSchema).default([]),
  format: z.enum(FORMATS, { error: `--format takes ${FORMATS.join(", ")}` }).optional(),
  json: z.boolean().default(false),
  verbose: z.boolean().default(false),
  "live-facts": z.boolean().default(false),
});

async function runPlan(argv: string[]): Promise<number> {
  const options = parseOptions(argv, OPTIONS, planOptionsSchema);
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
  const introspection = await introspectProject({
    projectDir,
    settings: options.settings,
    python: options.python,
    targets: options.target,
    key: "plan",
  });
  const [{ planRelease }, { renderPlan }] = await planning;
  const result = planRelease(introspection);
  // Asked for, and only in the formats a person reads; CI's annotations need no database state.
  const facts =
    options["live-facts"] && result.ok && (format === "text" || format === "json")
      ? await readProjectFacts(
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
