import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { cpSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelEdit, SplitPlan } from "../../src/domain/split/split-plan.js";
import { applyModelEdits } from "../../testkit/model-edits.js";
import { readSchema } from "../../testkit/pg-schema.js";
import { createTestDatabase, type TestDatabase } from "../../testkit/postgres.js";
import { findDjangoPython } from "../../testkit/python.js";
import { repoRoot, runCli } from "../../testkit/run-cli.js";

/**
 * `phasegate split` end to end on Django and PostgreSQL: each refused migration of test/fixtures/split is rewritten,
 * every release of the result loads, matches its models, is accepted by `phasegate plan`, runs its phases while
 * the old and the new code work, and the last one leaves the schema the original migrations would have.
 */

const python = findDjangoPython();
const fixture = path.join(repoRoot, "test", "fixtures", "split");
const APPS = ["notnull", "dropcol", "renamed", "mixed", "tables", "retyped"];
/** Apps whose code writes every field it knows (the dual writes a column type change asks for). */
const DUAL_WRITES = new Set(["retyped"]);
const ormCode = path.join(repoRoot, "testkit", "orm_code.py");

let project: string;
let original: TestDatabase;
let db: TestDatabase;
let split: { plan: SplitPlan };

function manage(database: TestDatabase, args: string[]): string {
  return execFileSync(python, ["manage.py", ...args], {
    cwd: project,
    env: { ...process.env, DATABASE_URL: database.url },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function migrateBaselines(database: TestDatabase): void {
  for (const app of APPS) manage(database, ["migrate", app, "0001_initial", "--no-input"]);
}

interface Traffic {
  /** Lets the code finish its round; what it met. */
  stop(): Promise<{ rounds: number; errors: string[] }>;
}

/**
 * The ORM code of the release whose last migrations these are, writing and reading every model round after round
 * until stopped (one round when `once`).
 */
function traffic(leaves: Map<string, string>, once = false): Traffic {
  const targets = [...leaves].map(([app, name]) => `${app}:${name}${DUAL_WRITES.has(app) ? ":all" : ""}`);
  const until = path.join(project, `stop-${randomUUID()}`);
  if (once) writeFileSync(until, "");
  const child = spawn(python, [ormCode, ...targets], {
    cwd: project,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      DJANGO_SETTINGS_MODULE: "splitproject.settings",
      ORM_UNTIL: until,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return {
    async stop() {
      writeFileSync(until, "");
      await exited;
      rmSync(until, { force: true });
      return JSON.parse(out);
    },
  };
}

async function runCode(leaves: Map<string, string>): Promise<string[]> {
  return (await traffic(leaves, true).stop()).errors;
}

function appliedLeaves(): Map<string, string> {
  const rows = db.query("SELECT app || ':' || name FROM django_migrations ORDER BY id").split("\n");
  return new Map(
    rows.filter((r) => APPS.includes(r.split(":")[0] ?? "")).map((r) => r.split(":") as [string, string]),
  );
}

interface PlanJson {
  ok: boolean;
  refusals: { message: string }[];
  plan: {
    steps: { kind: string; phase: string; targets?: { app: string; migration: string }[] }[];
    migrations: { app: string; name: string; phase: string }[];
  } | null;
  operations: { migration: string; verdict: string; reason: string }[];
}

async function plan(): Promise<PlanJson> {
  const result = await runCli(["plan", "--project", project, "--python", python, "--json"], {
    DATABASE_URL: db.url,
  });
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout);
}

function migrateSteps(planned: PlanJson, phase: string): void {
  for (const step of planned.plan?.steps ?? []) {
    if (step.kind !== "migrate" || step.phase !== phase) continue;
    for (const t of step.targets ?? []) manage(db, ["migrate", t.app, t.migration, "--no-input"]);
  }
}

/** One release: its model edits, the checks, expand, the old and new code together, contract, the new code. */
async function shipRelease(release: number): Promise<void> {
  applyModelEdits(
    project,
    split.plan.modelEdits.filter((e: ModelEdit) => e.release === release),
  );
  expect(manage(db, ["makemigrations", "--check", "--dry-run"])).toContain("No changes detected");
  const planned = await plan();
  expect(planned.refusals.map((r) => r.message)).toEqual([]);
  // The phase attribute overrides the verdicts: the rules must agree with it, not be silenced by it.
  for (const op of planned.operations) expect(op.reason).not.toContain("Without it: unsafe");
  const phases = new Map(planned.plan?.migrations.map((m) => [m.name, m.phase]));
  for (const op of planned.operations.filter((o) => phases.get(o.migration) === "expand")) {
    expect(op.reason, op.migration).not.toContain("Without it: contract");
  }
  const before = appliedLeaves();
  const after = new Map(before);
  for (const m of planned.plan?.migrations ?? []) after.set(m.app, m.name);
  // The old code serves while the expand migrations run (the new code is not deployed yet).
  const oldCode = traffic(before);
  migrateSteps(planned, "expand");
  const duringExpand = await oldCode.stop();
  expect(duringExpand.errors, "old code during expand").toEqual([]);
  expect(await runCode(before), "old code after expand").toEqual([]);
  expect(await runCode(after), "new code after expand").toEqual([]);
  // After the rollout only the new code serves, while the contract migrations run.
  const newCode = traffic(after);
  migrateSteps(planned, "contract");
  const duringContract = await newCode.stop();
  expect(duringContract.errors, "new code during contract").toEqual([]);
  expect(duringExpand.rounds + duringContract.rounds).toBeGreaterThan(1);
  expect(await runCode(after), "new code after contract").toEqual([]);
  expect(manage(db, ["showmigrations", "--plan"])).not.toContain("[ ]");
}

beforeAll(() => {
  project = mkdtempSync(path.join(tmpdir(), "phasegate-split-"));
  cpSync(fixture, project, { recursive: true });
  original = createTestDatabase("split_original");
  db = createTestDatabase("split");
  migrateBaselines(db);
  // The original migrations, applied before the split rewrites them: the schema the split must end with.
  manage(original, ["migrate", "--no-input"]);
});

afterAll(() => {
  original?.drop();
  db?.drop();
  if (project) rmSync(project, { recursive: true, force: true });
});

describe("phasegate split on Django and PostgreSQL", () => {
  it("rewrites every refused migration of the fixture", async () => {
    const result = await runCli(["split", "--project", project, "--python", python, "--json", "--write"], {
      DATABASE_URL: db.url,
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    split = JSON.parse(result.stdout);
    expect(split.plan.unsplittable).toEqual([]);
    expect(split.plan.migrations.map((m) => `${m.release} ${m.phase} ${m.file}`).sort()).toEqual([
      "1 contract mixed/migrations/0002_contract_order_note_remove_legacy.py",
      "1 expand dropcol/migrations/0002_remove_invoice_legacy_total.py",
      "1 expand mixed/migrations/0002_order_note_remove_legacy.py",
      "1 expand notnull/migrations/0002_item_stock_sku.py",
      "1 expand renamed/migrations/0002_rename_customer_mail.py",
      "1 expand retyped/migrations/0002_alter_line_amount.py",
      "1 expand tables/migrations/0002_rename_tables.py",
      "2 contract dropcol/migrations/phasegate_next/0003_remove_invoice_legacy_total.py",
      "2 contract notnull/migrations/phasegate_next/0005_item_stock_not_null.py",
      "2 contract notnull/migrations/phasegate_next/0006_item_sku_not_null.py",
      "2 expand notnull/migrations/phasegate_next/0003_item_stock_backfill.py",
      "2 expand notnull/migrations/phasegate_next/0004_item_sku_backfill.py",
      "2 expand retyped/migrations/phasegate_next/0003_line_amount_new_backfill.py",
      "3 contract retyped/migrations/phasegate_next/0004_line_amount_switch.py",
    ]);
    expect(split.plan.retargets).toEqual([
      expect.objectContaining({
        migration: { app: "mixed", name: "0003_remove_order_extra" },
        to: { app: "mixed", name: "0002_contract_order_note_remove_legacy" },
      }),
    ]);
  });

  it("release 1: loads, matches the edited models, is planned, and old and new code work through its phases", async () => {
    await shipRelease(1);
  });

  it.each([2, 3])(
    "release %i: the migrations it owes move in from phasegate_next and ship the same way",
    async (release) => {
      for (const spec of split.plan.migrations.filter((m) => m.release === release)) {
        renameSync(
          path.join(project, spec.file),
          path.join(project, spec.app, "migrations", `${spec.name}.py`),
        );
      }
      await shipRelease(release);
    },
  );

  it("ends with the schema the original migrations give (renamed columns and tables keep their names, by design)", () => {
    const prefixes = APPS.map((app) => `${app}_`);
    const table = (from: string, to: string) => (line: string) =>
      line.replace(new RegExp(`(^|constraint |REFERENCES |ON public\\.)${from}(?=[ .(])`, "g"), `$1${to}`);
    const renames = [table("tables_author", "tables_writer"), table("tables_review", "tables_critique")];
    const renamedBack = readSchema(db, prefixes).map((line) =>
      renames.reduce(
        (text, rename) => rename(text),
        line
          .replace("renamed_customer.mail ", "renamed_customer.email ")
          .replace("(mail", "(email")
          .replace("retyped_line.amount_new ", "retyped_line.amount "),
      ),
    );
    renamedBack.sort();
    expect(renamedBack).toEqual(readSchema(original, prefixes));
  });
});
