import { list, pyString } from "./python-source.js";
import type { MigrationSpec } from "./split-plan.js";

const DJANGO_DB = /^from django\.db import (.+)$/;

/** Import lines as Django writes them: `from django.db import migrations, models` merged, the rest sorted. */
function importLines(imports: string[]): string[] {
  const fromDjangoDb = new Set<string>(["migrations"]);
  const others = new Set<string>();
  for (const line of imports) {
    const found = line.match(DJANGO_DB);
    if (found?.[1]) for (const name of found[1].split(",")) fromDjangoDb.add(name.trim());
    else others.add(line);
  }
  const sortedOthers = [...others].sort((a, b) => a.split(" ")[1]?.localeCompare(b.split(" ")[1] ?? "") ?? 0);
  return [...sortedOthers, `from django.db import ${[...fromDjangoDb].sort().join(", ")}`];
}

function releaseComment(spec: MigrationSpec): string {
  const recipe = `# Release ${spec.release} of the split of ${spec.origin.app}.${spec.origin.name}, ${spec.phase} phase`;
  if (spec.release === 1) return `${recipe}: ships in this release.`;
  return `${recipe}: move this file into\n# migrations/ in the release after the one that ships its dependency, not before (Django does not load it from here).`;
}

/** The Python source of a generated migration, the way makemigrations lays one out. */
export function renderMigration(spec: MigrationSpec): string {
  const dependencies = list(
    spec.dependencies.map((d) => `(${pyString(d.app)}, ${pyString(d.name)})`),
    "        ",
  );
  const followUp =
    spec.followUp.length > 0
      ? [
          "    # Owed by the next release; phasegate reminds whoever ships it (/migrate owed).",
          `    phasegate_follow_up = {${spec.followUp.map((f) => `${pyString(f.name)}: ${pyString(f.phase)}`).join(", ")}}`,
        ]
      : [];
  const body = [
    `"""${spec.summary}`,
    "",
    "Written by `phasegate split`.",
    '"""',
    releaseComment(spec),
    ...importLines(spec.imports),
    "",
    ...spec.functions.flatMap((fn) => ["", fn, ""]),
    "",
    "class Migration(migrations.Migration):",
    `    phase = ${pyString(spec.phase)}`,
    ...followUp,
    ...(spec.atomic
      ? []
      : [
          "    # Each statement commits on its own: no batch or validation holds a lock for long.",
          "    atomic = False",
        ]),
    "",
    `    dependencies = ${dependencies.replace(/\n\]$/, "\n    ]")}`,
    "",
    `    operations = ${list(spec.operations, "        ").replace(/\n\]$/, "\n    ]")}`,
    "",
  ];
  return body.join("\n");
}
