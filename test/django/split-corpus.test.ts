import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationLabel } from "../../src/domain/classify/migration.js";
import type { Refusal } from "../../src/domain/plan/plan.js";
import type { SplitPlan } from "../../src/domain/split/split-plan.js";
import { corpusDir, migrateBaseline } from "../../testkit/corpus.js";
import { createTestDatabase, type TestDatabase } from "../../testkit/postgres.js";
import { findDjangoPython } from "../../testkit/python.js";
import { runCli } from "../../testkit/run-cli.js";

/**
 * `phasegate split` over the classifier corpus (one migration per rule): every unsafe operation is either split or
 * listed with why, and once written the split ones are no longer refused.
 */

const python = findDjangoPython();
let db: TestDatabase;
let project: string;
let before: Refusal[];
let split: SplitPlan;

async function refusals(): Promise<Refusal[]> {
  const result = await runCli(["plan", "--project", project, "--python", python, "--json"], {
    DATABASE_URL: db.url,
  });
  return JSON.parse(result.stdout).refusals;
}

const where = (r: { migration: { app: string; name: string }; operation: string | null }) =>
  `${migrationLabel(r.migration)} ${r.operation}`;

beforeAll(async () => {
  project = mkdtempSync(path.join(tmpdir(), "phasegate-split-corpus-"));
  cpSync(corpusDir, project, { recursive: true, filter: (src) => !src.includes("__pycache__") });
  db = createTestDatabase("split_corpus");
  migrateBaseline(python, "3.2", db);
  before = await refusals();
  const result = await runCli(["split", "--project", project, "--python", python, "--json", "--write"], {
    DATABASE_URL: db.url,
  });
  expect(result.stderr).toBe("");
  expect(result.code).toBe(1);
  split = JSON.parse(result.stdout).plan;
});

afterAll(() => {
  db?.drop();
  if (project) rmSync(project, { recursive: true, force: true });
});

describe("phasegate split over the classifier corpus", () => {
  it("splits every unsafe operation it has a recipe for", () => {
    expect(split.splits.map((s) => `${where(s)} ${s.type}`).sort()).toEqual([
      "fieldops.0003_add_not_null 0 AddField",
      "fieldops.0004_add_default 0 AddField",
      "fieldops.0005_add_boolean_default 0 AddField",
      "fieldops.0009_change_type 0 AlterField",
      "fieldops.0012_remove_not_null 0 RemoveField",
      "fieldops.0013_rename_field 0 RenameField",
      "schemaops.0011_model_table 0 AlterModelTable",
      // schemaops.0012's RenameModel is of a table the corpus creates earlier in the same plan: expand, nothing to split.
      "typeops.0006_int_to_bigint 0 AlterField",
    ]);
  });

  it("lists every other unsafe operation with why", () => {
    const listed = new Map(split.unsplittable.map((u) => [where(u), u.why]));
    expect(listed.get("codeops.0002_code 0")).toContain('annotate it with hints={"phase": ...}');
    expect(listed.get("codeops.0002_code 2")).toContain('annotate it with hints={"phase": ...}');
    expect(listed.get("codeops.0003_separate 0.db.1")).toContain("inside SeparateDatabaseAndState");
    expect(listed.get("schemaops.0019_custom_operation 0")).toContain("no recipe for SetFillFactor");
    expect(listed.get("schemaops.0020_order_with_respect_to 0")).toContain(
      "no recipe for AlterOrderWithRespectTo",
    );
    const covered = new Set([...split.splits.map(where), ...listed.keys()]);
    const unsafe = before.filter((r) => r.code === "unsafe-operation").map(where);
    expect(unsafe.filter((label) => !covered.has(label))).toEqual([]);
  });

  it("once written, the project loads and only what was not split is still refused as unsafe", async () => {
    const after = await refusals();
    const stillUnsafe = after
      .filter((r) => r.code === "unsafe-operation")
      .map((r) => migrationLabel(r.migration));
    expect([...new Set(stillUnsafe)].sort()).toEqual([
      "codeops.0002_code",
      "codeops.0003_separate",
      "schemaops.0019_custom_operation",
      "schemaops.0020_order_with_respect_to",
      "sqlops.0002_state_remove_not_null",
      "sqlops.0007_annotated_drop",
      "sqlops.0008_annotated_rename",
    ]);
    // codeops.0002_code also mixes phases; it stays as it was, since its unannotated code cannot be split.
    expect(after.filter((r) => r.code === "mixed-migration").map((r) => migrationLabel(r.migration))).toEqual(
      ["codeops.0002_code"],
    );
  });
});
