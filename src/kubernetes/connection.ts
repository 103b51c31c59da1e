import path from "node:path";
import type { KubernetesApiConfig } from "../config/kubernetes-schema.js";
import type { Connection } from "./connection-types.js";
import { readText, tokenFromFile } from "./files.js";
import { kubeconfigConnection } from "./kubeconfig.js";
import { KubernetesError } from "./kubernetes-error.js";

export interface ConnectionContext {
  /** Directory relative paths in the config are resolved from (the services file's directory). */
  baseDir: string;
  env: NodeJS.ProcessEnv;
}

/** The standard mount point of a pod's service-account credentials. */
export const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

export async function resolveConnection(
  api: KubernetesApiConfig | undefined,
  context: ConnectionContext,
): Promise<Connection> {
  const resolve = (file: string) => path.resolve(context.baseDir, file);
  if (api?.kubeconfig) {
    return kubeconfigConnection(resolve(api.kubeconfig), api.context, api.insecureSkipTlsVerify);
  }
  if (api?.url) {
    return {
      server: api.url.replace(/\/+$/, ""),
      token: api.tokenFile ? tokenFromFile(resolve(api.tokenFile)) : async () => undefined,
      tls: {
        ca: api.caFile ? await readText(resolve(api.caFile), "CA") : undefined,
        rejectUnauthorized: !api.insecureSkipTlsVerify,
      },
      source: api.url,
    };
  }
  return inClusterConnection(context.env, api?.insecureSkipTlsVerify ?? false);
}

async function inClusterConnection(env: NodeJS.ProcessEnv, insecure: boolean): Promise<Connection> {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? "443";
  if (!host) {
    throw new KubernetesError(
      "configuration",
      "no Kubernetes API configured and not running in a pod (KUBERNETES_SERVICE_HOST is not set): " +
        "set api.kubeconfig (and api.context) or api.url with api.tokenFile in the services file",
    );
  }
  const hostPart = host.includes(":") ? `[${host}]` : host;
  return {
    server: `https://${hostPart}:${port}`,
    token: tokenFromFile(path.join(serviceAccountDir, "token")),
    tls: { ca: await readText(path.join(serviceAccountDir, "ca.crt"), "CA"), rejectUnauthorized: !insecure },
    source: "in-cluster service account",
  };
}
