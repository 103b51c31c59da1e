import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SCHEMA_FILE } from "../../scripts/generate-schema.js";
import { servicesJsonSchema } from "../../src/cli/services-json-schema.js";
import { loadServices } from "../../src/config/load-services.js";
import { repoRoot } from "../cli/run-cli.js";

const EXAMPLE = path.join(repoRoot, "examples", "services.example.yaml");

describe("services file reference", () => {
  it("is in sync with the zod schema the loader uses (run `npm run schema` after changing it)", async () => {
    const committed: unknown = JSON.parse(await readFile(SCHEMA_FILE, "utf8"));
    expect(committed).toEqual(servicesJsonSchema());
  });

  it("describes the channel id rule and a discriminated kind the way editors show them", () => {
    const text = JSON.stringify(servicesJsonSchema());
    expect(text).toContain('"pattern":"^[CGD][A-Z0-9_]+$"');
    expect(text).toContain('"const":"kubernetes"');
  });

  it("is what the documented example points editors to", async () => {
    const firstLine = (await readFile(EXAMPLE, "utf8")).split("\n")[0] ?? "";
    const target = firstLine.replace("# yaml-language-server: $schema=", "");
    expect(path.resolve(path.dirname(EXAMPLE), target)).toBe(SCHEMA_FILE);
  });

  it("loads the documented example with the loader the bot and the worker use", async () => {
    const loaded = await loadServices(EXAMPLE);
    expect(Object.keys(loaded.services)).toEqual(["shop", "billing"]);
    expect(loaded.services.shop?.rollout).toMatchObject({ kind: "kubernetes", deadlineSeconds: 1800 });
    expect(loaded.services.billing?.executor).toEqual({ kind: "local" });
    expect(loaded.services.billing?.access.fourEyes).toBe(true);
    expect(loaded.services.shop?.lockGuard).toMatchObject({
      enabled: true,
      lockTimeoutMs: 2000,
      maxTries: 10,
    });
    expect(loaded.services.shop?.backfill?.command).toEqual(["manage.py", "backfill_is_active"]);
  });
});
