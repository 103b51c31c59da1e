import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CorpusDatabase,
  corpusDir,
  createCorpusDatabase,
  migrateBaseline,
} from "../../testkit/corpus.js";
import { findDjangoPython } from "../../testkit/python.js";
import { repoRoot, runCli, shopDir } from "../../testkit/run-cli.js";
import { shopBeforeRelease } from "../../testkit/shop-table.js";
import { DB_DEFAULT_MODELS, writeTinyProject } from "../django/tiny-project.js";

const python = findDjangoPython();

/** The text of a line of a file of the repository, as an annotation points at it. */
function lineOf(file: string, line: number): string {
  return readFileSync(path.join(repoRoot, file), "utf8").split("\n")[line - 1] ?? "";
}

/** `::error file=…,line=…,title=…::message` → its parts. */
function parseAnnotation(line: string) {
  const match = line.match(/^::(error|warning) (.*?)::(.*)$/);
  if (!match) throw new Error(`not a workflow command: ${line}`);
  const properties = Object.fromEntries(
    (match[2] ?? "").split(",").map((pair) => pair.split("=") as [string, string]),
  );
  return { level: match[1], properties, message: decodeURIComponent(match[3] ?? "") };
}

describe("phasegate plan --format github", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-github-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("annotates each refused operation on its migration file and line, then prints the plan", async () => {
    const env = {
      SQLITE_PATH: path.join(dir, "shop.sqlite3"),
      DATABASE_URL: undefined,
      SHOP_WITH_INVENTORY: "1",
    };
    shopBeforeRelease(env, ["catalog", "inventory"]);
    const run = await runCli(
      ["plan", "--project", path.relative(repoRoot, shopDir), "--python", python, "--format", "github"],
      env,
    );
    expect(run.code).toBe(1);
    const annotations = run.stdout.split("\n").filter((line) => line.startsWith("::"));
    expect(annotations).toHaveLength(2);
    const [rename, notNull] = annotations.map(parseAnnotation);
    const file = "examples/shop/inventory/migrations/0002_rename_qty_add_warehouse.py";
    expect(rename).toMatchObject({
      level: "error",
      properties: { file, title: "phasegate%3A unsafe-operation" },
    });
    expect(lineOf(file, Number(rename?.properties.line))).toContain("migrations.RenameField(");
    expect(lineOf(file, Number(notNull?.properties.line))).toContain("migrations.AddField(");
    expect(rename?.message).toContain('Renames column "qty" to "quantity"');
    expect(rename?.message).toContain("\nWhat to do:\n- No SQL at all: rename only the Python attribute");
    expect(run.stdout).toContain("Refused: 2 problems");
  });

  it("an exit-2 error is an annotation on the file Python named", async () => {
    const project = path.join(dir, "db-default");
    await writeTinyProject(project, {}, DB_DEFAULT_MODELS);
    const run = await runCli(["plan", "--project", project, "--python", python, "--format", "github"]);
    expect(run.code).toBe(2);
    const annotation = parseAnnotation(run.stdout.trim());
    expect(annotation).toMatchObject({
      level: "error",
      properties: { file: path.relative(repoRoot, path.join(project, "notes", "models.py")), line: "5" },
    });
    expect(annotation.message).toMatch(/^Django failed to start: TypeError: .*'db_default'/);
  });
});

describe("phasegate plan --format sarif on the corpus (PostgreSQL)", () => {
  let db: CorpusDatabase;
  beforeAll(() => {
    db = createCorpusDatabase("postgresql");
    migrateBaseline(python, "3.2", db);
  });
  afterAll(() => db.drop());

  it("writes SARIF 2.1.0: errors for refusals, warnings for long locks, each at its file and line", async () => {
    const run = await runCli(
      ["plan", "--project", path.relative(repoRoot, corpusDir), "--python", python, "--format", "sarif"],
      {
        DATABASE_URL: db.url,
      },
    );
    expect(run.code).toBe(1);
    const sarif = JSON.parse(run.stdout) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string }[] } };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }[];
        }[];
      }[];
    };
    expect(sarif.version).toBe("2.1.0");
    const [only] = sarif.runs;
    expect(only?.tool.driver.name).toBe("phasegate");
    const results = only?.results ?? [];
    for (const result of results) {
      expect(only?.tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId);
    }
    const rename = results.find((r) => r.message.text.includes('Renames column "old_name" to "new_name"'));
    const renamePlace = rename?.locations[0]?.physicalLocation;
    expect(rename).toMatchObject({ ruleId: "unsafe-operation", level: "error" });
    expect(renamePlace?.artifactLocation.uri).toBe(
      "test/fixtures/corpus/fieldops/migrations/0013_rename_field.py",
    );
    expect(lineOf(renamePlace?.artifactLocation.uri ?? "", renamePlace?.region.startLine ?? 0)).toContain(
      "migrations.RenameField(",
    );
    const index = results.find((r) => r.ruleId === "lock" && r.message.text.includes("book_title_idx"));
    expect(index).toMatchObject({ level: "warning" });
    expect(index?.message.text).toContain("without CONCURRENTLY");
    expect(index?.locations[0]?.physicalLocation.artifactLocation.uri).toBe(
      "test/fixtures/corpus/schemaops/migrations/0003_add_index.py",
    );
    const unsafe = results.filter((r) => r.ruleId === "unsafe-operation");
    expect(unsafe.length).toBeGreaterThan(10);
  });

  it("a run that cannot plan is SARIF too: no results, the error as a tool execution notification", async () => {
    const run = await runCli(
      [
        "plan",
        "--project",
        corpusDir,
        "--python",
        python,
        "--format",
        "sarif",
        "--settings",
        "corpus.broken_settings",
      ],
      { DATABASE_URL: db.url },
    );
    expect(run.code).toBe(2);
    const sarif = JSON.parse(run.stdout) as {
      version: string;
      runs: {
        results: unknown[];
        invocations: {
          executionSuccessful: boolean;
          toolExecutionNotifications: { level: string; message: { text: string } }[];
        }[];
      }[];
    };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0]?.results).toEqual([]);
    const [invocation] = sarif.runs[0]?.invocations ?? [];
    expect(invocation?.executionSuccessful).toBe(false);
    expect(invocation?.toolExecutionNotifications[0]?.level).toBe("error");
    expect(invocation?.toolExecutionNotifications[0]?.message.text).toContain(
      "the Django settings corpus.broken_settings failed to load",
    );
  });
});
