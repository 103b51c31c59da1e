import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { z } from "zod";
import { repoRoot } from "../../testkit/run-cli.js";
import { envNamesReadByCode } from "./env-names.js";

const roleSchema = z.object({
  kind: z.literal("Role"),
  rules: z.array(
    z.object({ apiGroups: z.array(z.string()), resources: z.array(z.string()), verbs: z.array(z.string()) }),
  ),
});

/** "apps/deployments" → "get, patch", from the Role phasegate is given. */
function granted(): Map<string, string> {
  const text = readFileSync(
    path.join(repoRoot, "manifests", "kubernetes", "app-namespace", "rbac.yaml"),
    "utf8",
  );
  const role = parseAllDocuments(text)
    .map((doc) => roleSchema.safeParse(doc.toJS()))
    .find((parsed) => parsed.success)?.data;
  if (!role) throw new Error("rbac.yaml has no Role");
  return new Map(
    role.rules.flatMap((rule) =>
      rule.apiGroups.flatMap((group) =>
        rule.resources.map(
          (resource) => [group ? `${group}/${resource}` : resource, rule.verbs.join(", ")] as const,
        ),
      ),
    ),
  );
}

/** The rows of the table "What phasegate can touch in the cluster" in docs/security.md. */
function documented(): Map<string, string> {
  const text = readFileSync(path.join(repoRoot, "docs", "security.md"), "utf8");
  const section = text.split("## What phasegate can touch in the cluster")[1]?.split("\n## ")[0] ?? "";
  const rows = [...section.matchAll(/^\| `([^`]+)` \| ((?:`[a-z]+`(?:, )?)+) \|/gm)];
  return new Map(rows.map((row) => [row[1] ?? "", (row[2] ?? "").replaceAll("`", "")]));
}

describe("docs/security.md", () => {
  it("lists exactly the rights rbac.yaml grants", () => {
    expect(documented()).toEqual(granted());
  });
});

describe("docs/operations.md", () => {
  it("documents every environment variable phasegate reads, and no other", () => {
    const text = readFileSync(path.join(repoRoot, "docs", "operations.md"), "utf8");
    const rows = [...text.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((row) => row[1]);
    expect(new Set(rows)).toEqual(envNamesReadByCode());
  });
});
