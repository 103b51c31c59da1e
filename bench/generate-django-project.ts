import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

const SETTINGS = (apps: string[]) => `import os
SECRET_KEY = "bench"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = ${JSON.stringify(apps)}
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(os.path.dirname(__file__), "..", "db.sqlite3")}}
if os.environ.get("BENCH_PG_NAME"):
    DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": os.environ["BENCH_PG_NAME"], "USER": os.environ.get("PGUSER", "postgres"), "HOST": os.environ.get("PGHOST", "127.0.0.1"), "PORT": os.environ.get("PGPORT", "5432")}}
`;

const MANAGE_PY = `import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchproject.settings")
from django.core.management import execute_from_command_line
execute_from_command_line(sys.argv)
`;

function migrationSource(app: string, index: number, perApp: number): string {
  const previous = index === 1 ? "[]" : `[("${app}", "${String(index - 1).padStart(4, "0")}_step")]`;
  let operation: string;
  if (index === 1) {
    operation = `migrations.CreateModel(name="Item", fields=[("id", models.BigAutoField(primary_key=True, serialize=False))])`;
  } else if (index === perApp) {
    operation = `migrations.RemoveField(model_name="item", name="f2")`;
  } else {
    operation = `migrations.AddField(model_name="item", name="f${index}", field=models.IntegerField(null=True))`;
  }
  return `from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = ${previous}
    operations = [${operation}]
`;
}

/**
 * A Django project of `apps` apps with `perApp` pending migrations each (the last one of each app a contract):
 * SQLite next to manage.py, or PostgreSQL database BENCH_PG_NAME when that is set.
 */
export async function generateDjangoProject(dir: string, apps: number, perApp: number): Promise<void> {
  const names = Array.from({ length: apps }, (_, a) => `app${a}`);
  await mkdir(path.join(dir, "benchproject"), { recursive: true });
  await writeFile(path.join(dir, "manage.py"), MANAGE_PY);
  await writeFile(path.join(dir, "benchproject", "__init__.py"), "");
  await writeFile(path.join(dir, "benchproject", "settings.py"), SETTINGS(names));
  for (const app of names) {
    const migrations = path.join(dir, app, "migrations");
    await mkdir(migrations, { recursive: true });
    await writeFile(path.join(dir, app, "__init__.py"), "");
    await writeFile(path.join(migrations, "__init__.py"), "");
    for (let m = 1; m <= perApp; m++) {
      await writeFile(
        path.join(migrations, `${String(m).padStart(4, "0")}_step.py`),
        migrationSource(app, m, perApp),
      );
    }
  }
}
