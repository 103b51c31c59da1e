import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { planSplit } from "../domain/split/split-release.js";
import { unifiedDiff } from "../domain/split/unified-diff.js";
import { type OptionSpecs, parseOptions } from "./args.js";
import { CliError } from "./cli-error.js";
import { introspectProject, projectOptionsShape } from "./project-options.js";
import { type SplitFiles, splitFileChanges } from "./split-files.js";
import { renderSplitSummary } from "./split-text.js";

const USAGE = `Usage: phasegate split --project DIR [--settings MODULE] [--python CMD] [--write] [--json]

Rewrites the refused migrations of the Django project in DIR into the safe sequence of their recipes: what ships
in this release replaces them in migrations/, what later releases owe goes to migrations/phasegate_next/. Prints
the model edits, the code changes phasegate cannot write, and a unified diff; --write writes the files instead.

  --project DIR        directory that holds manage.py
  --settings MODULE    DJANGO_SETTINGS_MODULE (default: the project's own)
  --python CMD         Python that can import Django (default: detected)
  --write              write the files (default: print them as a unified diff)
  --json               print the split plan and the files as JSON

Exit status: 0 every refusal is split (or none), 1 some cannot be split (listed), 2 usage, configuration or Django error.
`;

const OPTIONS: OptionSpecs = {
  project: { type: "string" },
  settings: { type: "string" },
  python: { type: "string" },
  write: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

const splitOptionsSchema = z.object({
  ...projectOptionsShape,
  write: z.boolean().default(false),
  json: z.boolean().default(false),
});

async function writeChanges(projectDir: string, files: SplitFiles): Promise<void> {
  for (const change of files.changes) {
    const target = path.join(projectDir, change.path);
    if (change.after === null) {
      await rm(target, { force: true });
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, change.after);
  }
}

export async function splitCommand(argv: string[]): Promise<number> {
  const options = parseOptions(argv, OPTIONS, splitOptionsSchema);
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!options.project)
    throw new CliError(`--project DIR is required (the directory that holds manage.py)\n\n${USAGE}`);
  const projectDir = path.resolve(options.project);
  const introspection = await introspectProject({
    projectDir,
    settings: options.settings,
    python: options.python,
    targets: [],
    key: "split",
  });
  const plan = planSplit(introspection);
  const files = await splitFileChanges(projectDir, plan);
  const status = plan.unsplittable.length > 0 || files.unapplied.length > 0 ? 1 : 0;
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ plan, files: files.changes, unapplied: files.unapplied }, null, 2)}\n`,
    );
  } else {
    const header =
      plan.splits.length === 0 && plan.unsplittable.length === 0
        ? `phasegate split: ${options.project}: nothing refused, nothing to split.`
        : `phasegate split: ${options.project} (Django ${introspection.djangoVersion}, ${introspection.vendor})`;
    process.stdout.write(renderSplitSummary(plan, header, files.unapplied));
    if (!options.write && files.changes.length > 0) process.stdout.write(`\n${unifiedDiff(files.changes)}`);
  }
  if (options.write) {
    await writeChanges(projectDir, files);
    if (!options.json) process.stdout.write(`\nWrote ${files.changes.length} files.\n`);
  }
  return status;
}
