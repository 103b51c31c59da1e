import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Connection } from "./connection-types.js";
import { KubernetesError } from "./errors.js";
import { readText, tokenFromFile } from "./files.js";

const kubeconfigSchema = z.looseObject({
  "current-context": z.string().optional(),
  clusters: z
    .array(
      z.looseObject({
        name: z.string(),
        cluster: z.looseObject({
          server: z.string().min(1),
          "certificate-authority-data": z.string().optional(),
          "certificate-authority": z.string().optional(),
          "insecure-skip-tls-verify": z.boolean().optional(),
        }),
      }),
    )
    .default([]),
  users: z
    .array(
      z.looseObject({
        name: z.string(),
        user: z.looseObject({
          token: z.string().optional(),
          tokenFile: z.string().optional(),
          "client-certificate-data": z.string().optional(),
          "client-key-data": z.string().optional(),
          "client-certificate": z.string().optional(),
          "client-key": z.string().optional(),
          exec: z.unknown().optional(),
          "auth-provider": z.unknown().optional(),
        }),
      }),
    )
    .default([]),
  contexts: z
    .array(
      z.looseObject({ name: z.string(), context: z.looseObject({ cluster: z.string(), user: z.string() }) }),
    )
    .default([]),
});

type Kubeconfig = z.infer<typeof kubeconfigSchema>;

const fromBase64 = (data: string) => Buffer.from(data, "base64").toString("utf8");

function pick<T extends { name: string }>(items: T[], name: string, what: string, file: string): T {
  const item = items.find((i) => i.name === name);
  if (!item) {
    const known = items.map((i) => i.name).join(", ") || "none";
    throw new KubernetesError("configuration", `${file}: no ${what} named "${name}" (known: ${known})`);
  }
  return item;
}

/** Server, CA and credentials of one context of a kubeconfig file (token or client certificate; no exec plugins). */
export async function kubeconfigConnection(
  file: string,
  contextName: string | undefined,
  insecure: boolean,
): Promise<Connection> {
  const config = parseKubeconfig(await readText(file, "kubeconfig"), file);
  const name = contextName ?? config["current-context"];
  if (!name) {
    throw new KubernetesError("configuration", `${file} has no current-context: set api.context`);
  }
  const { context } = pick(config.contexts, name, "context", file);
  const { cluster } = pick(config.clusters, context.cluster, "cluster", file);
  const { user } = pick(config.users, context.user, "user", file);
  if (user.exec || user["auth-provider"]) {
    throw new KubernetesError(
      "configuration",
      `${file}: user "${context.user}" authenticates with an exec or auth-provider plugin, which phasegate does not run; ` +
        "use a service-account token (kubectl create token …) in a kubeconfig user, or api.url with api.tokenFile",
    );
  }
  const relative = (p: string) => path.resolve(path.dirname(file), p);
  const fileOrData = async (data: string | undefined, ref: string | undefined, what: string) =>
    data ? fromBase64(data) : ref ? readText(relative(ref), what) : undefined;
  const tokenFile = user.tokenFile;
  return {
    server: cluster.server.replace(/\/+$/, ""),
    token: tokenFile ? tokenFromFile(relative(tokenFile)) : async () => user.token,
    tls: {
      ca: await fileOrData(cluster["certificate-authority-data"], cluster["certificate-authority"], "CA"),
      cert: await fileOrData(
        user["client-certificate-data"],
        user["client-certificate"],
        "client certificate",
      ),
      key: await fileOrData(user["client-key-data"], user["client-key"], "client key"),
      rejectUnauthorized: !(insecure || cluster["insecure-skip-tls-verify"]),
    },
    source: `kubeconfig ${file} (context ${name})`,
  };
}

function parseKubeconfig(text: string, file: string): Kubeconfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new KubernetesError("configuration", `${file} is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = kubeconfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new KubernetesError("configuration", `${file} is not a kubeconfig: ${problems}`);
  }
  return parsed.data;
}
