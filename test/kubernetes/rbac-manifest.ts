import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { z } from "zod";

const manifests = path.resolve(import.meta.dirname, "../../manifests/kubernetes");
/** phasegate's ServiceAccounts (bot, worker), in the namespace phasegate runs in. */
const accountFile = path.join(manifests, "service-account.yaml");
/** The worker's and the bot's Role and RoleBinding, applied in each namespace phasegate manages (the kustomization there sets the namespace). */
export const RBAC_FILE = path.join(manifests, "app-namespace", "rbac.yaml");
const BOT_RBAC_FILE = path.join(manifests, "app-namespace", "rbac-bot.yaml");
const appKustomizationFile = path.join(manifests, "app-namespace", "kustomization.yaml");

const rule = z.strictObject({
  apiGroups: z.array(z.string()).min(1),
  resources: z.array(z.string()).min(1),
  verbs: z.array(z.string()).min(1),
});
const account = (name: string) =>
  z.looseObject({
    apiVersion: z.literal("v1"),
    kind: z.literal("ServiceAccount"),
    metadata: z.looseObject({ name: z.literal(name), namespace: z.string() }),
  });
const accountSchema = z.tuple([account("phasegate-bot"), account("phasegate-worker")]);
const rbacSchema = (roleName: string, accountName: string) => {
  const meta = z.looseObject({ name: z.literal(roleName) });
  return z.tuple([
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
        name: z.literal(roleName),
      }),
      subjects: z.tuple([
        z.strictObject({
          kind: z.literal("ServiceAccount"),
          name: z.literal(accountName),
          namespace: z.string(),
        }),
      ]),
    }),
  ]);
};

async function readYaml(file: string): Promise<unknown[]> {
  const documents = parseAllDocuments(await readFile(file, "utf8"));
  const errors = documents.flatMap((d) => d.errors.map((e) => e.message));
  if (errors.length > 0) throw new Error(`${file} is not valid YAML: ${errors.join("; ")}`);
  return documents.map((d) => d.toJSON());
}

async function appKustomization() {
  const [kustomization] = z
    .tuple([z.looseObject({ namespace: z.string(), resources: z.array(z.string()) })])
    .parse(await readYaml(appKustomizationFile));
  return kustomization;
}

/**
 * The worker's cluster identity and rights, parsed and checked: its ServiceAccount, the Role, the RoleBinding, and
 * the namespace the app-namespace kustomization puts the Role and RoleBinding in.
 */
export async function loadRbac() {
  const [, account] = accountSchema.parse(await readYaml(accountFile));
  const [role, binding] = rbacSchema("phasegate", "phasegate-worker").parse(await readYaml(RBAC_FILE));
  return [account, role, binding, await appKustomization()] as const;
}

/** The bot's, in the same shape: it may only run introspection Jobs. */
export async function loadBotRbac() {
  const [account] = accountSchema.parse(await readYaml(accountFile));
  const [role, binding] = rbacSchema("phasegate-bot", "phasegate-bot").parse(await readYaml(BOT_RBAC_FILE));
  return [account, role, binding, await appKustomization()] as const;
}
