import type { KubernetesExecutorConfig } from "../config/kubernetes-schema.js";
import type { CommandRequest } from "../ports/executor.js";
import { checkCommandSize } from "./command-size.js";

/** Annotation holding the execution key, so a Job found by name is known to be this execution's. */
export const keyAnnotation = "phasegate.dev/execution-key";
export const containerName = "command";

/**
 * The batch/v1 Job that runs the command once in the release image: no retries (backoffLimit 0: a migration that
 * failed is for a human to look at), killed after the command's timeout, removed by the TTL controller a while after
 * it finished (until then a retried step reads its result again instead of running it twice).
 */
export function jobManifest(
  config: KubernetesExecutorConfig,
  request: CommandRequest,
  name: string,
  image: string,
) {
  const { job } = config;
  const labels = { "app.kubernetes.io/managed-by": "phasegate", ...job.labels };
  const env = { ...job.env, ...request.env };
  checkCommandSize(request.argv, env);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: config.namespace, labels, annotations: { [keyAnnotation]: request.key } },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: Math.max(1, Math.ceil(request.timeoutMs / 1000)),
      ttlSecondsAfterFinished: job.ttlSecondsAfterFinished,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          ...(job.serviceAccountName ? { serviceAccountName: job.serviceAccountName } : {}),
          containers: [
            {
              name: containerName,
              image,
              command: request.argv,
              ...(job.workingDir ? { workingDir: job.workingDir } : {}),
              env: Object.entries(env).map(([envName, value]) => ({ name: envName, value })),
              envFrom: job.envFrom,
              ...(job.resources ? { resources: job.resources } : {}),
            },
          ],
        },
      },
    },
  };
}
