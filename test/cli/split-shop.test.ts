import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SplitPlan } from "../../src/domain/split/split-plan.js";
import { applyModelEdits } from "../../testkit/model-edits.js";
import { findDjangoPython } from "../../testkit/python.js";
import { runCli, shopDir } from "../../testkit/run-cli.js";
import { shopBeforeRelease } from "../../testkit/shop-table.js";

/** `phasegate split` on the example shop with its refused inventory app, as the README shows it (SQLite). */

const python = findDjangoPython();
let root: string;
let modelEdits: SplitPlan["modelEdits"];
const copy = (name: string) => path.join(root, name);
const env = (name: string) => ({ SHOP_WITH_INVENTORY: "1", SQLITE_PATH: path.join(root, `${name}.sqlite3`) });

function split(name: string, ...args: string[]) {
  return runCli(["split", "--project", copy(name), "--python", python, ...args], env(name));
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "phasegate-split-shop-"));
  for (const name of ["written", "patched"]) {
    cpSync(shopDir, copy(name), { recursive: true, filter: (src) => !src.endsWith(".sqlite3") });
    shopBeforeRelease(env(name), ["catalog", "inventory"], python, copy(name));
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("phasegate split on examples/shop with SHOP_WITH_INVENTORY=1", () => {
  it("prints the recipes, the model edits and a diff that git apply takes; --write writes the same files", async () => {
    const printed = await split("patched");
    expect(printed.stderr).toBe("");
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain(
      'inventory/models.py, model stock: qty becomes quantity = models.IntegerField(db_column="qty")',
    );
    expect(printed.stdout).toContain("[ ] Release 1's code writes stock.warehouse on every new row");
    const diff = printed.stdout.slice(printed.stdout.indexOf("\n--- ") + 1);
    execFileSync("git", ["apply", "-p1", "-"], { cwd: copy("patched"), input: diff });

    modelEdits = (JSON.parse((await split("written", "--json")).stdout) as { plan: SplitPlan }).plan
      .modelEdits;
    const written = await split("written", "--write");
    expect(written.code).toBe(0);
    for (const file of [
      "inventory/migrations/0002_rename_qty_add_warehouse.py",
      "inventory/migrations/phasegate_next/0003_stock_warehouse_backfill.py",
      "inventory/migrations/phasegate_next/0004_stock_warehouse_not_null.py",
    ]) {
      expect(readFileSync(path.join(copy("patched"), file), "utf8")).toBe(
        readFileSync(path.join(copy("written"), file), "utf8"),
      );
    }
  });

  it("release 1 as written: its model edits leave makemigrations nothing to add, and plan accepts it", async () => {
    applyModelEdits(
      copy("written"),
      modelEdits.filter((edit) => edit.release === 1),
    );
    const check = execFileSync(python, ["manage.py", "makemigrations", "--check", "--dry-run"], {
      cwd: copy("written"),
      env: { ...process.env, ...env("written") },
      encoding: "utf8",
    });
    expect(check).toContain("No changes detected");
    const planned = await runCli(["plan", "--project", copy("written"), "--python", python], env("written"));
    expect(planned.stdout).toContain("Plan (");
    expect(planned.code).toBe(0);
    const again = await split("written");
    expect(again.stdout).toContain("nothing refused, nothing to split");
  });
});
