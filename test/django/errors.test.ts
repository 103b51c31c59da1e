import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IntrospectionRequest } from "../../src/django/helper.js";
import { introspect, pollIntrospection } from "../../src/django/introspect.js";
import { IntrospectionError } from "../../src/django/introspection-error.js";
import { LocalProcessExecutor } from "../../src/executors/local-process.js";
import type { CommandRequest, Execution, Executor } from "../../src/ports/executor.js";
import { corpusDir } from "../../testkit/corpus.js";
import { describeEachDjango } from "../../testkit/django-matrix.js";
import { type FakePythons, fakePythons } from "../../testkit/fake-python.js";
import { createTestDatabase, type TestDatabase } from "../../testkit/postgres.js";
import { findDjangoPython } from "../../testkit/python.js";
import { rejectionOf } from "../../testkit/rejection.js";
import { DB_DEFAULT_MODELS, writeConflictingProject, writeTinyProject } from "./tiny-project.js";

const python = findDjangoPython();
const shopDir = path.resolve(import.meta.dirname, "..", "..", "examples", "shop");
let db: TestDatabase;
let fakes: FakePythons;
let scratch: string;

beforeAll(async () => {
  db = createTestDatabase("introerr");
  fakes = await fakePythons();
  scratch = await mkdtemp(path.join(os.tmpdir(), "phasegate-introspect-errors-"));
});
afterAll(async () => {
  db.drop();
  await fakes.remove();
  await rm(scratch, { recursive: true, force: true });
});

function request(overrides: Partial<IntrospectionRequest>): IntrospectionRequest {
  return {
    executor: new LocalProcessExecutor({ killGraceMs: 200 }),
    projectDir: corpusDir,
    python: [python],
    targets: [],
    key: "errors",
    env: { DATABASE_URL: db.url },
    ...overrides,
  };
}

async function failure(overrides: Partial<IntrospectionRequest>): Promise<string> {
  return (await rejectionOf(introspect(request(overrides)), IntrospectionError)).message;
}

describe("introspect() turns every failure into an IntrospectionError that says what to do", () => {
  it("a Python that does not exist: names it and points at --python / project.python", async () => {
    const message = await failure({ python: ["/nonexistent/python3"] });
    expect(message).toContain('cannot run Python "/nonexistent/python3"');
    expect(message).toContain("pass --python (or set project.python in the services file)");
  });

  it("a Python without Django", async () => {
    const message = await failure({ python: [python, "-S"] });
    expect(message).toContain(`${python} -S cannot import Django`);
    expect(message).toContain("No module named 'django'");
    expect(message).toContain("pass --python");
  });

  it("a settings module that fails to import: the Python error's last line", async () => {
    const message = await failure({ settings: "corpus.broken_settings" });
    expect(message).toContain("the Django settings corpus.broken_settings failed to load");
    expect(message).toContain("ModuleNotFoundError: No module named 'corpus.no_such_module'");
    expect(message).toContain("pass --settings");
  });

  it("settings that refuse to load (ImproperlyConfigured), using manage.py's DJANGO_SETTINGS_MODULE", async () => {
    const message = await failure({ env: { DATABASE_URL: "" } });
    expect(message).toContain(
      "ImproperlyConfigured: set DATABASE_URL=postgres://user@host:port/name (or sqlite:///path) for the corpus (corpus.settings)",
    );
  });

  it("a database that cannot be reached", async () => {
    const message = await failure({ env: { DATABASE_URL: "postgres://postgres@127.0.0.1:1/nowhere" } });
    expect(message).toContain("Django cannot reach the database: OperationalError:");
    expect(message).toContain("Check DATABASE_URL");
  });

  it("a target that does not exist", async () => {
    const message = await failure({ targets: [{ app: "schemaops", migration: "9999_nope" }] });
    expect(message).toContain("app 'schemaops' has no migration '9999_nope'");
    expect(message).toContain("Pass --target app:migration with a migration that exists");
  });

  it("an app in INSTALLED_APPS that does not exist: blames the settings, not Python's import machinery", async () => {
    const project = path.join(scratch, "missing-app");
    await writeTinyProject(project, {});
    const settings = path.join(project, "site_settings", "settings.py");
    await writeFile(
      settings,
      (await readFile(settings, "utf8")).replace('["notes"]', '["notes", "nowhere_app"]'),
    );
    const message = await failure({ projectDir: project, env: {} });
    expect(message).toContain(
      "the Django settings the project's DJANGO_SETTINGS_MODULE (from manage.py) failed to load: ModuleNotFoundError: No module named 'nowhere_app': INSTALLED_APPS names it (site_settings.settings)",
    );
  });

  it("conflicting migrations (two leaf nodes in one app)", async () => {
    const project = path.join(scratch, "conflict");
    await writeConflictingProject(project);
    const message = await failure({ projectDir: project, env: {} });
    expect(message).toContain(
      "Django cannot build the migration graph: conflicting migrations (notes: 0002_body, 0002_title)",
    );
    expect(message).toContain("makemigrations --merge");
  });

  it("a migration file that cannot be loaded: the error and where it is", async () => {
    const project = path.join(scratch, "broken-migration");
    await writeTinyProject(project, {
      "0002_typo": "from django.db import migrations\n\nclass Migration(migrations.Migrashun):\n    pass\n",
    });
    const message = await failure({ projectDir: project, env: {} });
    expect(message).toContain("Django cannot build the migration graph: a migration file cannot be loaded:");
    expect(message).toContain("AttributeError: module 'django.db.migrations' has no attribute 'Migrashun'");
    expect(message).toContain(`${path.join(project, "notes", "migrations", "0002_typo.py")}, line 3`);
  });

  it("output that is not JSON", async () => {
    const garbage = await fakes.printing("garbage", "Welcome to pyenv!\n{not json");
    const message = await failure({ python: [garbage] });
    expect(message).toContain('printed something that is not JSON (starts with "Welcome to pyenv!');
  });

  it("JSON of the wrong shape: the path of the first mismatch", async () => {
    const wrongTop = await fakes.printing("wrong-top", '{"djangoVersion": 3, "vendor": "x"}');
    expect(await failure({ python: [wrongTop] })).toContain("at .djangoVersion:");
    const badHint = JSON.stringify({
      djangoVersion: "3.2",
      vendor: "postgresql",
      applied: [],
      pending: [
        {
          app: "a",
          name: "0001",
          dependencies: [],
          replaces: [],
          atomic: true,
          transactional: true,
          initial: true,
          override: { phase: "later", source: "phasegate", raw: 'phase = "later"' },
          file: null,
          operations: [],
        },
      ],
    });
    const message = await failure({ python: [await fakes.printing("bad-phase", badHint)] });
    expect(message).toContain("at .pending[0].override.phase:");
    expect(message).toContain('must be "expand" or "contract"');
  });

  it("a crash without an answer: the exit code and the end of stderr", async () => {
    const crash = await fakes.printing("crash", "", 3);
    const message = await failure({ python: [crash] });
    expect(message).toContain("exited with code 3 without an answer");
  });

  it("a helper that does not finish in time", async () => {
    const message = await failure({ python: ["sh", "-c", "sleep 30", "sh"], timeoutMs: 300 });
    expect(message).toContain("the introspection did not finish within 0.3 s");
  });
});

describe("running the helper", () => {
  it("keeps stdout for the JSON even when the settings print", async () => {
    const result = await introspect(request({ settings: "corpus.noisy_settings" }));
    expect(result.vendor).toBe("postgresql");
    expect(result.pending.map((m) => `${m.app}.${m.name}`)).toContain("fieldops.0013_rename_field");
  });

  it("inline (python -c <source>) gives the same answer as the shipped file", async () => {
    const env = { SQLITE_PATH: path.join(scratch, "inline.sqlite3"), DATABASE_URL: "" };
    const fromFile = await introspect(request({ projectDir: shopDir, env }));
    const inline = await introspect(request({ projectDir: shopDir, env, inline: true }));
    expect(inline).toEqual(fromFile);
    expect(fromFile.pending.map((m) => m.name)).toEqual([
      "0001_initial",
      "0002_product_is_active",
      "0003_remove_product_is_enabled",
    ]);
  });
});

/** Like a Kubernetes Job: "running" for the first questions about a key, then the local process's answer. */
class SlowRemoteExecutor implements Executor {
  readonly asked: string[] = [];
  constructor(private runningAnswers: number) {}
  async execute(request: CommandRequest): Promise<Execution> {
    this.asked.push(request.key);
    if (this.runningAnswers-- > 0) return { state: "running", message: `Job ${request.key} is running` };
    return new LocalProcessExecutor().execute(request);
  }
}

describe("a remote executor that answers running", () => {
  it("pollIntrospection reports running; introspect() asks again with the same key until it finishes", async () => {
    const env = { SQLITE_PATH: path.join(scratch, "remote.sqlite3"), DATABASE_URL: "" };
    const first = await pollIntrospection(
      request({ executor: new SlowRemoteExecutor(1), projectDir: shopDir, env, key: "run-1-plan" }),
    );
    expect(first).toEqual({ state: "running", message: "Job run-1-plan is running" });
    const executor = new SlowRemoteExecutor(2);
    const result = await introspect({
      ...request({ executor, projectDir: shopDir, env, key: "run-1-plan" }),
      pollMs: 10,
    });
    expect(executor.asked).toEqual(["run-1-plan", "run-1-plan", "run-1-plan"]);
    expect(result.pending).toHaveLength(3);
  });
});

describeEachDjango(
  "a models.py that Django cannot import",
  (olderPython, version) => {
    it("names the exception and the project's file and line, not the settings", async () => {
      const project = path.join(scratch, `db-default-${version}`);
      await writeTinyProject(project, {}, DB_DEFAULT_MODELS);
      const error = await rejectionOf(
        introspect(request({ python: [olderPython], projectDir: project, env: {} })),
        IntrospectionError,
      );
      const models = path.join(project, "notes", "models.py");
      expect(error.message).toMatch(
        /^Django failed to start: TypeError: .*unexpected keyword argument 'db_default'/,
      );
      expect(error.message).toContain(` in ${models}:5`);
      expect(error.message).not.toContain("failed to load");
      expect(error.failure).toEqual({
        kind: "startup",
        location: { file: models, line: 5 },
      });
    });
  },
  ["3.2", "4.2"],
);
