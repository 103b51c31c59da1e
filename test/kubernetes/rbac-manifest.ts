import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { z } from "zod";

const manifest = path.resolve(import.meta.dirname, "../../manifests/kubernetes/rbac.yaml");

const rule = z.strictObject({
  apiGroups: z.array(z.string()).min(1),
  resources: z.array(z.string()).min(1),
  verbs: z.array(z.string()).min(1),
});
const meta = z.looseObject({ name: z.literal("phasegate"), namespace: z.string() });
const rbacSchema = z.tuple([
  z.looseObject({ apiVersion: z.literal("v1"), kind: z.literal("ServiceAccount"), metadata: meta }),
  z.looseObject({
    apiVersion: z.literal("rbac.authorization.k8s.io/v1"),
    kind: z.literal("Role"),
    metadata: meta,
    rules: z.array(rule).min(1),
  }),
  z.looseObject({
    apiVersion: z.literal("rbac.authorization.k8s.io/v1"),
    kind: z.literal("RoleBinding"),
    metadata: meta,
    roleRef: z.strictObject({
      apiGroup: z.literal("rbac.authorization.k8s.io"),
      kind: z.literal("Role"),
      name: z.literal("phasegate"),
    }),
    subjects: z.tuple([
      z.strictObject({
        kind: z.literal("ServiceAccount"),
        name: z.literal("phasegate"),
        namespace: z.string(),
      }),
    ]),
  }),
]);

/** manifests/kubernetes/rbac.yaml, parsed and checked: ServiceAccount, Role, RoleBinding (in that order). */
export async function loadRbac() {
  const documents = parseAllDocuments(await readFile(manifest, "utf8"));
  const errors = documents.flatMap((d) => d.errors.map((e) => e.message));
  if (errors.length > 0) throw new Error(`${manifest} is not valid YAML: ${errors.join("; ")}`);
  return rbacSchema.parse(documents.map((d) => d.toJSON()));
}
