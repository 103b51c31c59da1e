import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { issueLines } from "../domain/issues/issue-lines.js";
import type { Connection } from "./connection-types.js";
import { type ExecConfig, ExecTokenSource, execConfigSchema } from "./exec-credential.js";
import { readText, tokenFromFile } from "./files.js";
import { KubernetesError } from "./kubernetes-error.js";

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
          "tls-server-name": z.string().min(1).optional(),
          "proxy-url": z
            .string()
            .regex(
              /^https?:\/\/[^\s/]+\/?$/,
              "phasegate takes an http:// or https:// proxy here (like http://user:password@proxy.internal:3128); socks5 is not supported",
            )
            .optional(),
          extensions: z.array(z.looseObject({ name: z.string(), extension: z.unknown() })).optional(),
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
          exec: execConfigSchema.optional(),
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

/**
 * Server, CA and credentials of one context of a kubeconfig file: a token, a client certificate, or an exec
 * credential plugin (EKS, GKE, AKS); no auth-provider (removed from kubectl).
 */
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
  if (user["auth-provider"]) {
    throw new KubernetesError(
      "configuration",
      `${file}: user "${context.user}" authenticates with an auth-provider plugin, which kubectl itself dropped; ` +
        "switch it to the exec plugin of your cloud (gke-gcloud-auth-plugin, kubelogin, aws eks get-token)",
    );
  }
  const relative = (p: string) => path.resolve(path.dirname(file), p);
  const fileOrData = async (data: string | undefined, ref: string | undefined, what: string) =>
    data ? fromBase64(data) : ref ? readText(relative(ref), what) : undefined;
  const tokenFile = user.tokenFile;
  const plugin = user.exec && execTokens(user.exec, cluster, `user "${context.user}" of ${file}`, file);
  return {
    server: cluster.server.replace(/\/+$/, ""),
    token: plugin
      ? () => plugin.token()
      : tokenFile
        ? tokenFromFile(relative(tokenFile))
        : async () => user.token,
    ...(plugin ? { renewToken: () => plugin.invalidate() } : {}),
    tls: {
      ca: await fileOrData(cluster["certificate-authority-data"], cluster["certificate-authority"], "CA"),
      cert: await fileOrData(
        user["client-certificate-data"],
        user["client-certificate"],
        "client certificate",
      ),
      key: await fileOrData(user["client-key-data"], user["client-key"], "client key"),
      rejectUnauthorized: !(insecure || cluster["insecure-skip-tls-verify"]),
      ...(cluster["tls-server-name"] ? { servername: cluster["tls-server-name"] } : {}),
    },
    ...(cluster["proxy-url"] ? { proxyUrl: cluster["proxy-url"] } : {}),
    source: `kubeconfig ${file} (context ${name})`,
  };
}

type KubeCluster = Kubeconfig["clusters"][number]["cluster"];

function execTokens(exec: ExecConfig, cluster: KubeCluster, origin: string, file: string): ExecTokenSource {
  const config = cluster.extensions?.find((e) => e.name === "client.authentication.k8s.io/exec")?.extension;
  return new ExecTokenSource(exec, {
    origin,
    cwd: path.dirname(file),
    cluster: {
      server: cluster.server,
      ...(cluster["certificate-authority-data"]
        ? { "certificate-authority-data": cluster["certificate-authority-data"] }
        : {}),
      ...(cluster["insecure-skip-tls-verify"] ? { "insecure-skip-tls-verify": true } : {}),
      ...(cluster["tls-server-name"] ? { "tls-server-name": cluster["tls-server-name"] } : {}),
      ...(cluster["proxy-url"] ? { "proxy-url": cluster["proxy-url"] } : {}),
      ...(config === undefined ? {} : { config }),
    },
  });
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
    const problems = issueLines(parsed.error.issues, "(top level)").join("; ");
    throw new KubernetesError("configuration", `${file} is not a kubeconfig: ${problems}`);
  }
  return parsed.data;
}
