import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDjango } from "../../testkit/django-matrix.js";
import { createTestDatabase, type TestDatabase } from "../../testkit/postgres.js";
import { findDjangoPython } from "../../testkit/python.js";
import { runCli, shopDir } from "../../testkit/run-cli.js";
import { shopBeforeRelease } from "../../testkit/shop-table.js";

const python = findDjangoPython();

interface PlanJson {
  ok: boolean;
  plan: {
    steps: { kind: string; phase: string; targets?: unknown; summary?: string[] }[];
    migrations: unknown[];
  } | null;
  refusals: { code: string; migration: { app: string; name: string }; recipe: string[] }[];
  operations: Record<string, unknown>[];
  django: string;
  vendor: string;
}

describe("phasegate plan on examples/shop with PostgreSQL", () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(() => {
    db = createTestDatabase("pgcli");
    env = { DATABASE_URL: db.url };
    shopBeforeRelease(env);
  });
  afterAll(() => db.drop());

  it("prints the two-phase plan and exits 0", async () => {
    const run = await runCli(["plan", "--project", shopDir, "--python", python], env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("postgresql, 2 pending migrations");
    expect(run.stdout).toContain("manage.py migrate catalog 0002_product_is_active");
    expect(run.stdout).toContain("manage.py migrate catalog 0003_remove_product_is_enabled");
    const steps = run.stdout.match(/^ {2}\d\. (\S+)/gm)?.map((line) => line.trim());
    expect(steps).toEqual(["1. expand", "2. deploy", "3. wait-rollout", "4. approval", "5. contract"]);
    expect(run.stdout).toMatch(
      /catalog\.0003_remove_product_is_enabled: drop column catalog_product\.is_enabled( \(.*lock.*\))? — SQL: ALTER TABLE "catalog_product" DROP COLUMN "is_enabled" CASCADE;/,
    );
    expect(run.stdout).toContain("Adds nullable column catalog_product.is_active");
    expect(run.stdout).not.toContain("sql: ");
  });

  it("--json gives steps, migrations, operations with their SQL, Django and the vendor", async () => {
    const run = await runCli(["plan", "--project", shopDir, "--python", python, "--json"], env);
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as PlanJson;
    expect(body.ok).toBe(true);
    expect(body.vendor).toBe("postgresql");
    expect(body.django).toMatch(/^\d+\.\d+/);
    expect(body.refusals).toEqual([]);
    expect(body.plan?.steps.map((s) => `${s.kind}:${s.phase}`)).toEqual([
      "migrate:expand",
      "deploy:deploy",
      "wait-rollout:wait-rollout",
      "approval:approval",
      "migrate:contract",
    ]);
    expect(body.plan?.steps[0]?.targets).toEqual([{ app: "catalog", migration: "0002_product_is_active" }]);
    expect(body.plan?.steps[4]?.targets).toEqual([
      { app: "catalog", migration: "0003_remove_product_is_enabled" },
    ]);
    expect(body.operations.map((o) => [o.migration, o.type, o.verdict])).toEqual([
      ["0002_product_is_active", "AddField", "expand"],
      ["0002_product_is_active", "AlterField", "expand"],
      ["0003_remove_product_is_enabled", "RemoveField", "contract"],
    ]);
    expect(Object.keys(body.operations[0] ?? {})).toEqual(
      expect.arrayContaining([
        "app",
        "migration",
        "path",
        "type",
        "verdict",
        "reason",
        "recipe",
        "notes",
        "sql",
      ]),
    );
    expect(String(body.operations[2]?.sql)).toContain('DROP COLUMN "is_enabled"');
  });

  it("--verbose prints the SQL of each operation", async () => {
    const run = await runCli(["plan", "--project", shopDir, "--python", python, "--verbose"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/sql: ALTER TABLE "catalog_product" ADD COLUMN "is_active" boolean NULL/);
  });

  it("--target plans only up to that migration", async () => {
    const run = await runCli(
      [
        "plan",
        "--project",
        shopDir,
        "--python",
        python,
        "--target",
        "catalog:0002_product_is_active",
        "--json",
      ],
      env,
    );
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as PlanJson;
    expect(body.plan?.steps.map((s) => s.kind)).toEqual(["migrate", "deploy", "wait-rollout"]);
  });

  it("after the expand migrations are applied, only the contract phase is left", async () => {
    execFileSync(python, ["manage.py", "migrate", "catalog", "0002_product_is_active"], {
      cwd: shopDir,
      env: { ...process.env, ...env },
      stdio: "ignore",
    });
    const run = await runCli(["plan", "--project", shopDir, "--python", python, "--json"], env);
    const body = JSON.parse(run.stdout) as PlanJson;
    expect(body.plan?.steps.map((s) => s.kind)).toEqual(["deploy", "wait-rollout", "approval", "migrate"]);
  });

  it("a broken --python exits 2 with a message on stderr", async () => {
    const run = await runCli(["plan", "--project", shopDir, "--python", "/nonexistent/python3"], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("/nonexistent/python3");
  });
});

describe("phasegate plan on examples/shop with SQLite", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-shop-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("plans a fresh install on SQLite, finding a Django-capable Python itself, leaving no database file", async () => {
    const database = path.join(dir, "shop.sqlite3");
    const run = await runCli(["plan", "--project", shopDir, "--json"], {
      SQLITE_PATH: database,
      DATABASE_URL: undefined,
      PHASEGATE_PYTHON: python,
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as PlanJson;
    expect(body.vendor).toBe("sqlite");
    // Every table is new in this release: no old code uses it, so nothing waits for an approval.
    expect(body.plan?.steps.map((s) => s.kind)).toEqual(["migrate", "deploy", "wait-rollout"]);
    expect(body.operations.map((o) => o.verdict)).toEqual(["expand", "expand", "expand", "expand"]);
    // Planning reads the database; connecting to SQLite would create the file, and the helper removes it again.
    expect(existsSync(database)).toBe(false);
    const removeField = body.operations.find((o) => o.type === "RemoveField");
    expect(removeField?.notes).toContain(
      "SQLite rebuilds table catalog_product (copies every row into new__catalog_product, drops catalog_product, renames the copy); writers wait until it is done.",
    );
    const createModel = body.operations.find((o) => o.type === "CreateModel");
    expect(createModel?.notes).toEqual([]);
  });

  it("keeps an existing SQLite database and plans only what is left", async () => {
    const database = path.join(dir, "migrated.sqlite3");
    const env = { SQLITE_PATH: database, DATABASE_URL: "" };
    execFileSync(python, ["manage.py", "migrate", "catalog", "0002_product_is_active"], {
      cwd: shopDir,
      env: { ...process.env, ...env },
      stdio: "ignore",
    });
    const run = await runCli(["plan", "--project", shopDir, "--python", python, "--json"], env);
    const body = JSON.parse(run.stdout) as PlanJson;
    expect(body.plan?.steps.map((s) => s.kind)).toEqual(["deploy", "wait-rollout", "approval", "migrate"]);
    expect(existsSync(database)).toBe(true);
  });

  it("refuses the inventory app's rename and NOT NULL column, exit 1, with the recipes", async () => {
    const env = {
      SQLITE_PATH: path.join(dir, "refused.sqlite3"),
      DATABASE_URL: undefined,
      SHOP_WITH_INVENTORY: "1",
    };
    shopBeforeRelease(env, ["catalog", "inventory"]);
    const run = await runCli(["plan", "--project", shopDir, "--python", python], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("Refused: 2 problems");
    expect(run.stdout).toContain('Renames column "qty" to "quantity"');
    expect(run.stdout).toContain(
      'No SQL at all: rename only the Python attribute and keep the column with db_column="qty".',
    );
    expect(run.stdout).toContain("Adds NOT NULL column inventory_stock.warehouse without a database default");
    expect(run.stdout).toContain('Release 1 (expand): add "warehouse" with null=True');

    const json = await runCli(["plan", "--project", shopDir, "--python", python, "--json"], env);
    expect(json.code).toBe(1);
    const body = JSON.parse(json.stdout) as PlanJson;
    expect(body.ok).toBe(false);
    expect(body.plan).toBeNull();
    expect(body.refusals.map((r) => `${r.migration.app}.${r.migration.name} ${r.code}`)).toEqual([
      "inventory.0002_rename_qty_add_warehouse unsafe-operation",
      "inventory.0002_rename_qty_add_warehouse unsafe-operation",
    ]);
  });
});

describeEachDjango("phasegate plan on examples/shop, PostgreSQL and SQLite", (djangoPython, version) => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = createTestDatabase("pgshop");
    dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-shop-matrix-"));
  });
  afterAll(async () => {
    db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ["postgresql", () => ({ DATABASE_URL: db.url })],
    ["sqlite", () => ({ SQLITE_PATH: path.join(dir, "shop.sqlite3"), DATABASE_URL: undefined })],
  ])("plans expand, deploy, wait, approval, contract on %s", async (vendor, env) => {
    shopBeforeRelease(env(), ["catalog"], djangoPython);
    const run = await runCli(["plan", "--project", shopDir, "--python", djangoPython, "--json"], env());
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as PlanJson;
    expect([body.vendor, body.django.slice(0, 3)]).toEqual([vendor, version]);
    expect(body.plan?.steps.map((s) => s.kind)).toEqual([
      "migrate",
      "deploy",
      "wait-rollout",
      "approval",
      "migrate",
    ]);
    expect(body.operations.map((o) => [o.type, o.verdict])).toEqual([
      ["AddField", "expand"],
      ["AlterField", "expand"],
      ["RemoveField", "contract"],
    ]);
  });
});
