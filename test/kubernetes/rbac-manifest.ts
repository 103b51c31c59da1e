import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { z } from "zod";

const manifests = path.resolve(import.meta.dirname, "../../manifests/kubernetes");
/** phasegate's ServiceAccount, in the namespace phasegate runs in. */
const accountFile = path.join(manifests, "service-account.yaml");
/** Its Role and RoleBinding, applied in each namespace it manages (the kustomization there sets the namespace). */
export const RBAC_FILE = path.join(manifests, "app-namespace", "rbac.yaml");
const appKustomizationFile = path.join(manifests, "app-namespace", "kustomization.yaml");

const rule = z.strictObject({
  apiGroups: z.array(z.string()).min(1),
  resources: z.array(z.string()).min(1),
  verbs: z.array(z.string()).min(1),
});
const meta = z.looseObject({ name: z.literal("phasegate") });
const accountSchema = z.tuple([
  z.looseObject({
    apiVersion: z.literal("v1"),
    kind: z.literal("ServiceAccount"),
    metadata: meta.extend({ namespace: z.string() }),
  }),
]);
const rbacSchema = z.tuple([
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

async function readYaml(file: string): Promise<unknown[]> {
  const documents = parseAllDocuments(await readFile(file, "utf8"));
  const errors = documents.flatMap((d) => d.errors.map((e) => e.message));
  if (errors.length > 0) throw new Error(`${file} is not valid YAML: ${errors.join("; ")}`);
  return documents.map((d) => d.toJSON());
}

/**
 * phasegate's cluster identity and rights, parsed and checked: the ServiceAccount, the Role, the RoleBinding, and
 * the namespace the app-namespace kustomization puts the Role and RoleBinding in.
 */
export async function loadRbac() {
  const [account] = accountSchema.parse(await readYaml(accountFile));
  const [role, binding] = rbacSchema.parse(await readYaml(RBAC_FILE));
  const [kustomization] = z
    .tuple([z.looseObject({ namespace: z.string(), resources: z.array(z.string()) })])
    .parse(await readYaml(appKustomizationFile));
  return [account, role, binding, kustomization] as const;
}
