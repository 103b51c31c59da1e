import type { KubernetesApiConfig } from "../config/kubernetes-schema.js";
import { kubernetesApiSchema } from "../config/kubernetes-schema.js";
import { proxySettingsFromEnv } from "../net/proxy/proxy-env.js";
import type { Logger } from "../ports/logger.js";
import { KubernetesClient } from "./client.js";
import { type ConnectionContext, resolveConnection } from "./connection.js";

/** A client for the `api` section of a kubernetes executor, deployer or rollout (in-cluster when absent). */
export function createKubernetesClient(
  api: KubernetesApiConfig | undefined,
  context: ConnectionContext,
  log?: Logger,
): KubernetesClient {
  const settings = api ?? kubernetesApiSchema.parse({});
  return new KubernetesClient(
    () => resolveConnection(api, context),
    {
      timeoutMs: settings.requestTimeoutSeconds * 1000,
      attempts: settings.attempts,
      retryDelayMs: settings.retryDelayMs,
      proxy: proxySettingsFromEnv(context.env),
    },
    log,
  );
}
