import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

const SETTINGS = `import os
from urllib.parse import unquote, urlparse

SECRET_KEY = "test-only"
INSTALLED_APPS = ["wide"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
_url = urlparse(os.environ["DATABASE_URL"])
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(_url.path.lstrip("/")),
        "USER": unquote(_url.username or ""),
        "PASSWORD": unquote(_url.password or ""),
        "HOST": _url.hostname or "",
        "PORT": str(_url.port or ""),
    }
}
`;

function migration(dependencies: string, operations: string[]): string {
  return `from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = ${dependencies}
    operations = [
${operations.map((o) => `        ${o},`).join("\n")}
    ]
`;
}

/**
 * A PostgreSQL Django project (DATABASE_URL) whose release drops many columns: `wide.0001_initial` creates the
 * table `wide_item` with `columns` nullable columns (expand), `wide.0002_drop_all` removes every one of them
 * (contract: as many destructive operations behind the gate).
 */
export async function writeWideProject(dir: string, columns: number): Promise<void> {
  const names = Array.from({ length: columns }, (_, i) => `column_${String(i).padStart(3, "0")}`);
  const migrations = path.join(dir, "wide", "migrations");
  await mkdir(path.join(dir, "wide_site"), { recursive: true });
  await mkdir(migrations, { recursive: true });
  await writeFile(
    path.join(dir, "manage.py"),
    [
      "import os",
      "import sys",
      "",
      'if __name__ == "__main__":',
      '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wide_site.settings")',
      "    from django.core.management import execute_from_command_line",
      "",
      "    execute_from_command_line(sys.argv)",
      "",
    ].join("\n"),
  );
  await writeFile(path.join(dir, "wide_site", "__init__.py"), "");
  await writeFile(path.join(dir, "wide_site", "settings.py"), SETTINGS);
  await writeFile(path.join(dir, "wide", "__init__.py"), "");
  await writeFile(path.join(migrations, "__init__.py"), "");
  const fields = names.map((n) => `("${n}", models.IntegerField(null=True))`).join(", ");
  await writeFile(
    path.join(migrations, "0001_initial.py"),
    migration("[]", [
      `migrations.CreateModel(name="Item", fields=[("id", models.BigAutoField(primary_key=True)), ${fields}])`,
    ]),
  );
  await writeFile(
    path.join(migrations, "0002_drop_all.py"),
    migration(
      '[("wide", "0001_initial")]',
      names.map((n) => `migrations.RemoveField(model_name="item", name="${n}")`),
    ),
  );
}
