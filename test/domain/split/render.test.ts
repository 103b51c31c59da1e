import { describe, expect, it } from "vitest";
import { fieldSource, pyString } from "../../../src/domain/split/python-source.js";
import { renderMigration } from "../../../src/domain/split/render-migration.js";
import { retargetDependency } from "../../../src/domain/split/retarget.js";
import { unifiedDiff } from "../../../src/domain/split/unified-diff.js";

describe("rendering what phasegate split writes", () => {
  it("renders a field from its deconstruction with kwargs changed, sorted as Django sorts them", () => {
    const definition = {
      path: "models.CharField",
      args: [],
      kwargs: [
        ["max_length", "20"],
        ["default", "'main'"],
      ] as [string, string][],
      imports: [],
    };
    expect(fieldSource(definition, { null: "True", default: null })).toBe(
      "models.CharField(max_length=20, null=True)",
    );
    expect(pyString('ALTER TABLE "t"')).toBe("'ALTER TABLE \"t\"'");
    expect(pyString("it's")).toBe('"it\'s"');
  });

  it("renders a migration with its phase, its follow-ups, atomic and its functions", () => {
    const source = renderMigration({
      app: "shop",
      name: "0003_x",
      release: 2,
      phase: "expand",
      file: "shop/migrations/phasegate_next/0003_x.py",
      summary: "Backfills.",
      origin: { app: "shop", name: "0002_y" },
      dependencies: [{ app: "shop", name: "0002_y" }],
      atomic: false,
      operations: ["migrations.RunPython(\n    code=fill,\n)"],
      functions: ["def fill(apps, schema_editor):\n    pass"],
      imports: [
        "from django.db import models",
        "import django.utils.timezone",
        "from django.db import migrations",
      ],
      followUp: [{ name: "0004_z", phase: "contract" }],
    });
    expect(source).toContain("import django.utils.timezone\nfrom django.db import migrations, models\n");
    expect(source).toContain(
      "# Release 2 of the split of shop.0002_y, expand phase: move this file into\n# migrations/ in the release after",
    );
    expect(source).toContain('    phase = "expand"\n');
    expect(source).toContain('    phasegate_follow_up = {"0004_z": "contract"}\n');
    expect(source).toContain("    atomic = False\n");
    expect(source).toContain('    dependencies = [\n        ("shop", "0002_y"),\n    ]\n');
    expect(source).toContain(
      "    operations = [\n        migrations.RunPython(\n            code=fill,\n        ),\n    ]\n",
    );
    expect(source).toContain("\n\ndef fill(apps, schema_editor):\n    pass\n");
  });

  it("points a dependency tuple at another migration, in either quote style", () => {
    const from = { app: "shop", name: "0002_y" };
    const to = { app: "shop", name: "0002_contract_y" };
    expect(retargetDependency("dependencies = [('shop', '0002_y')]", from, to)).toBe(
      "dependencies = [('shop', '0002_contract_y')]",
    );
    expect(retargetDependency('dependencies = [("shop", "0002_y")]', from, to)).toBe(
      'dependencies = [("shop", "0002_contract_y")]',
    );
    expect(retargetDependency('dependencies = [("shop", "0002_yz")]', from, to)).toBeNull();
  });

  it("prints a unified diff: created, deleted and changed files, three lines of context", () => {
    const before = ["a", "b", "c", "d", "e", "f", "g", "h"].join("\n");
    const after = ["a", "b", "c", "d", "E", "f", "g", "h"].join("\n");
    expect(
      unifiedDiff([
        { path: "new.py", before: null, after: "x\ny\n" },
        { path: "old.py", before: "z\n", after: null },
        { path: "same.py", before: "s\n", after: "s\n" },
        { path: "m.py", before, after },
      ]),
    ).toBe(
      [
        "--- /dev/null",
        "+++ b/new.py",
        "@@ -0,0 +1,2 @@",
        "+x",
        "+y",
        "--- a/old.py",
        "+++ /dev/null",
        "@@ -1,1 +0,0 @@",
        "-z",
        "--- a/m.py",
        "+++ b/m.py",
        "@@ -2,7 +2,7 @@",
        " b",
        " c",
        " d",
        "-e",
        "+E",
        " f",
        " g",
        " h",
        "",
      ].join("\n"),
    );
  });
});
