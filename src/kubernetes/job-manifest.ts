import type { KubernetesExecutorConfig } from "../config/kubernetes-schema.js";
import type { CommandRequest } from "../ports/executor.js";
import { checkCommandSize } from "./command-size.js";
import type { PodBase } from "./job-template.js";

/** Annotation holding the execution key, so a Job found by name is known to be this execution's. */
export const keyAnnotation = "phasegate.dev/execution-key";
export const containerName = "command";

/**
 * The batch/v1 Job that runs the command once in the release image: no retries (backoffLimit 0: a migration that
 * failed is for a human to look at), killed after the command's timeout, removed by the TTL controller a while after
 * it finished (until then a retried step reads its result again instead of running it twice). `base` is what it
 * takes over from the app's Deployment (job.fromDeployment); the executor's own settings come on top.
 */
export function jobManifest(
  config: KubernetesExecutorConfig,
  request: CommandRequest,
  name: string,
  image: string,
  base: PodBase = { spec: {}, container: {} },
) {
  const { job } = config;
  const labels = { "app.kubernetes.io/managed-by": "phasegate", ...job.labels };
  const env = { ...job.env, ...request.env };
  checkCommandSize(request.argv, env);
  const ownEnv = Object.entries(env).map(([envName, value]) => ({ name: envName, value }));
  const baseEnv = (base.container.env ?? []) as { name: string }[];
  const serviceAccountName = job.serviceAccountName ?? base.spec.serviceAccountName;
  const workingDir = job.workingDir ?? base.container.workingDir;
  const resources = job.resources ?? base.container.resources;
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
          ...base.spec,
          restartPolicy: "Never",
          ...(serviceAccountName ? { serviceAccountName } : {}),
          containers: [
            {
              ...base.container,
              name: containerName,
              image,
              command: request.argv,
              ...(workingDir ? { workingDir } : {}),
              env: [...baseEnv.filter((e) => !Object.hasOwn(env, e.name)), ...ownEnv],
              envFrom: [...((base.container.envFrom ?? []) as unknown[]), ...job.envFrom],
              ...(resources ? { resources } : {}),
            },
          ],
        },
      },
    },
  };
}
