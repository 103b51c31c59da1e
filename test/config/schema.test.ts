import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { REFERENCE_FILE, SCHEMA_FILE } from "../../scripts/generate-schema.js";
import { renderReference } from "../../scripts/schema-reference.js";
import { loadServices } from "../../src/config/load-services.js";
import { servicesJsonSchema } from "../../src/config/services-json-schema.js";
import { repoRoot } from "../../testkit/run-cli.js";

const EXAMPLE = path.join(repoRoot, "examples", "services.example.yaml");

const VARIANTS = ["executor", "deployer", "rollout"] as const;

/** The `kind`s the JSON Schema allows for each pluggable part of a service. */
const kindsSchema = z.object({
  properties: z.object({
    services: z.object({
      additionalProperties: z.object({
        properties: z.record(
          z.string(),
          z.object({
            oneOf: z
              .array(z.object({ properties: z.object({ kind: z.object({ const: z.string() }) }) }))
              .optional(),
          }),
        ),
      }),
    }),
  }),
});

describe("services file reference", () => {
  it("is in sync with the zod schema the loader uses (run `npm run schema` after changing it)", async () => {
    const committed: unknown = JSON.parse(await readFile(SCHEMA_FILE, "utf8"));
    expect(committed).toEqual(servicesJsonSchema());
  });

  it("has its page in docs/configuration.md in sync too, a section for every key of a service", async () => {
    const page = await readFile(REFERENCE_FILE, "utf8");
    expect(page).toBe(renderReference(servicesJsonSchema()));
    const service = kindsSchema.parse(servicesJsonSchema()).properties.services.additionalProperties;
    for (const key of Object.keys(service.properties))
      expect(page).toMatch(new RegExp(`^## \`${key}\``, "m"));
    expect(page).toContain("| `job.fromDeployment.name` | string | required |");
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

  it("shows in the documented example every kind of executor, deployer and rollout", async () => {
    const service = kindsSchema.parse(servicesJsonSchema()).properties.services.additionalProperties;
    const loaded = await loadServices(EXAMPLE);
    for (const part of VARIANTS) {
      const kinds = service.properties[part]?.oneOf?.map((option) => option.properties.kind.const);
      const used = Object.values(loaded.services).map((config) => config[part].kind);
      expect(new Set(used), part).toEqual(new Set(kinds));
    }
  });

  it("loads the documented example with the loader the bot and the worker use", async () => {
    const loaded = await loadServices(EXAMPLE);
    expect(Object.keys(loaded.services)).toEqual([
      "shop",
      "billing",
      "reports",
      "catalog",
      "search",
      "storefront",
    ]);
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
