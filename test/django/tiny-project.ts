import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/** A migration of the "notes" app: its dependencies and operations as Python source. */
export function migrationSource(dependencies: string, operation: string): string {
  return `from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = ${dependencies}
    operations = [${operation}]
`;
}

const INITIAL = migrationSource(
  "[]",
  'migrations.CreateModel(name="Note", fields=[("id", models.AutoField(primary_key=True))])',
);

/**
 * A SQLite Django project with one app, "notes": 0001_initial plus the given migration files (name → source), and
 * the app's models.py when given.
 */
export async function writeTinyProject(
  dir: string,
  migrations: Record<string, string>,
  models?: string,
): Promise<void> {
  const migrationsDir = path.join(dir, "notes", "migrations");
  await mkdir(path.join(dir, "site_settings"), { recursive: true });
  await mkdir(migrationsDir, { recursive: true });
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
  if (models !== undefined) await writeFile(path.join(dir, "notes", "models.py"), models);
  await writeFile(path.join(migrationsDir, "__init__.py"), "");
  for (const [name, source] of Object.entries({ "0001_initial": INITIAL, ...migrations })) {
    await writeFile(path.join(migrationsDir, `${name}.py`), source);
  }
}

const addText = (name: string) =>
  migrationSource(
    '[("notes", "0001_initial")]',
    `migrations.AddField(model_name="note", name="${name}", field=models.TextField(null=True))`,
  );

/** Two leaf migrations in one app, as after two unmerged branches. */
export function writeConflictingProject(dir: string): Promise<void> {
  return writeTinyProject(dir, { "0002_title": addText("title"), "0002_body": addText("body") });
}

/** models.py with a field option of Django 5.0 (db_default): older versions fail to start on line 5. */
export const DB_DEFAULT_MODELS = `from django.db import models


class Note(models.Model):
    rank = models.IntegerField(db_default=0)
`;
