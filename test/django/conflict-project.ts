import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

const MIGRATION = (dependencies: string, operation: string) => `from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = ${dependencies}
    operations = [${operation}]
`;

/** A SQLite Django project whose app "notes" has two leaf migrations, as after two unmerged branches. */
export async function writeConflictingProject(dir: string): Promise<void> {
  const migrations = path.join(dir, "notes", "migrations");
  await mkdir(path.join(dir, "site_settings"), { recursive: true });
  await mkdir(migrations, { recursive: true });
  await writeFile(
    path.join(dir, "manage.py"),
    'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_settings.settings")\n',
  );
  await writeFile(path.join(dir, "site_settings", "__init__.py"), "");
  await writeFile(
    path.join(dir, "site_settings", "settings.py"),
    `SECRET_KEY = "x"\nINSTALLED_APPS = ["notes"]\nDATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ${JSON.stringify(path.join(dir, "db.sqlite3"))}}}\n`,
  );
  await writeFile(path.join(dir, "notes", "__init__.py"), "");
  await writeFile(path.join(migrations, "__init__.py"), "");
  await writeFile(
    path.join(migrations, "0001_initial.py"),
    MIGRATION(
      "[]",
      'migrations.CreateModel(name="Note", fields=[("id", models.AutoField(primary_key=True))])',
    ),
  );
  for (const branch of ["0002_title", "0002_body"]) {
    await writeFile(
      path.join(migrations, `${branch}.py`),
      MIGRATION(
        '[("notes", "0001_initial")]',
        `migrations.AddField(model_name="note", name="${branch.slice(5)}", field=models.TextField(null=True))`,
      ),
    );
  }
}
