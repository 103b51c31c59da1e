import { z } from "zod";

/** The fields phasegate reads of Kubernetes objects; everything else the API sends is kept but ignored. */

const count = z.number().int().nonnegative().optional().default(0);

const metadata = z.looseObject({
  name: z.string(),
  namespace: z.string().optional(),
  generation: z.number().int().optional().default(0),
  labels: z.record(z.string(), z.string()).optional().default({}),
  annotations: z.record(z.string(), z.string()).optional().default({}),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
});

const condition = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
});

const container = z.looseObject({ name: z.string(), image: z.string().optional() });

const podTemplate = z.looseObject({
  spec: z.looseObject({ containers: z.array(container).min(1) }),
});

export const deploymentSchema = z.looseObject({
  metadata,
  spec: z.looseObject({
    replicas: z.number().int().nonnegative().optional(),
    paused: z.boolean().optional().default(false),
    selector: z.looseObject({ matchLabels: z.record(z.string(), z.string()).optional().default({}) }),
    template: podTemplate,
  }),
  status: z
    .looseObject({
      observedGeneration: count,
      replicas: count,
      updatedReplicas: count,
      readyReplicas: count,
      availableReplicas: count,
      conditions: z.array(condition).optional().default([]),
    })
    .optional()
    .default({
      observedGeneration: 0,
      replicas: 0,
      updatedReplicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
      conditions: [],
    }),
});

/** The API server defaults an update strategy's `type` to RollingUpdate. */
const strategyType = z.string().optional().default("RollingUpdate");

/** An apps/v1 StatefulSet: `spec.updateStrategy` as the API defaults it (RollingUpdate, partition 0). */
export const statefulSetSchema = z.looseObject({
  metadata,
  spec: z.looseObject({
    replicas: z.number().int().nonnegative().optional(),
    selector: z.looseObject({ matchLabels: z.record(z.string(), z.string()).optional().default({}) }),
    template: podTemplate,
    updateStrategy: z
      .looseObject({
        type: strategyType,
        rollingUpdate: z.looseObject({ partition: z.number().int().nonnegative().optional() }).optional(),
      })
      .prefault({}),
  }),
  status: z
    .looseObject({
      observedGeneration: count,
      replicas: count,
      readyReplicas: count,
      currentReplicas: count,
      updatedReplicas: count,
      currentRevision: z.string().optional().default(""),
      updateRevision: z.string().optional().default(""),
    })
    .optional()
    .default({
      observedGeneration: 0,
      replicas: 0,
      readyReplicas: 0,
      currentReplicas: 0,
      updatedReplicas: 0,
      currentRevision: "",
      updateRevision: "",
    }),
});

/** An apps/v1 DaemonSet. */
export const daemonSetSchema = z.looseObject({
  metadata,
  spec: z.looseObject({
    selector: z.looseObject({ matchLabels: z.record(z.string(), z.string()).optional().default({}) }),
    template: podTemplate,
    updateStrategy: z.looseObject({ type: strategyType }).prefault({}),
  }),
  status: z
    .looseObject({
      observedGeneration: count,
      desiredNumberScheduled: count,
      updatedNumberScheduled: count,
      numberAvailable: count,
    })
    .optional()
    .default({
      observedGeneration: 0,
      desiredNumberScheduled: 0,
      updatedNumberScheduled: 0,
      numberAvailable: 0,
    }),
});

/**
 * An Argo Rollouts `Rollout` (argoproj.io/v1alpha1). Its status.observedGeneration is a string (a number since
 * v0.10, a hash before); phase and message are computed by the controller since v1.0.
 */
export const argoRolloutSchema = z.looseObject({
  metadata,
  spec: z.looseObject({
    replicas: z.number().int().nonnegative().optional(),
    paused: z.boolean().optional().default(false),
    selector: z.looseObject({ matchLabels: z.record(z.string(), z.string()).optional().default({}) }),
    template: podTemplate.optional(),
    templateResolvedFromRef: z.boolean().optional().default(false),
    restartAt: z.string().optional(),
    strategy: z
      .looseObject({
        canary: z.looseObject({ trafficRouting: z.unknown().optional() }).optional(),
        blueGreen: z.looseObject({ postPromotionAnalysis: z.unknown().optional() }).optional(),
      })
      .optional()
      .default({}),
  }),
  status: z
    .looseObject({
      observedGeneration: z.union([z.string(), z.number()]).optional(),
      workloadObservedGeneration: z.string().optional(),
      phase: z.string().optional(),
      message: z.string().optional(),
      abort: z.boolean().optional().default(false),
      controllerPause: z.boolean().optional().default(false),
      // A merge patch that clears them (a promote) may leave null behind.
      pauseConditions: z
        .array(z.looseObject({ reason: z.string() }))
        .nullish()
        .transform((conditions) => conditions ?? []),
      conditions: z.array(condition).optional().default([]),
      restartedAt: z.string().optional(),
      replicas: count,
      updatedReplicas: count,
      availableReplicas: count,
      stableRS: z.string().optional().default(""),
      currentPodHash: z.string().optional().default(""),
      blueGreen: z
        .looseObject({
          activeSelector: z.string().optional(),
          postPromotionAnalysisRunStatus: z.looseObject({ status: z.string().optional() }).optional(),
        })
        .optional()
        .default({}),
    })
    .optional()
    .default({
      abort: false,
      controllerPause: false,
      pauseConditions: [],
      conditions: [],
      replicas: 0,
      updatedReplicas: 0,
      availableReplicas: 0,
      stableRS: "",
      currentPodHash: "",
      blueGreen: {},
    }),
});

const containerStatus = z.looseObject({
  name: z.string(),
  state: z
    .looseObject({
      terminated: z.looseObject({ exitCode: z.number().int(), reason: z.string().optional() }).optional(),
      waiting: z.looseObject({ reason: z.string().optional(), message: z.string().optional() }).optional(),
    })
    .optional(),
});

export const podSchema = z.looseObject({
  metadata,
  spec: z.looseObject({ containers: z.array(container).min(1) }),
  status: z
    .looseObject({
      phase: z.string().optional(),
      containerStatuses: z.array(containerStatus).optional().default([]),
    })
    .optional()
    .default({ containerStatuses: [] }),
});

export const podListSchema = z.looseObject({ items: z.array(podSchema) });

export const jobSchema = z.looseObject({
  metadata,
  status: z
    .looseObject({
      active: count,
      succeeded: count,
      failed: count,
      startTime: z.string().optional(),
      completionTime: z.string().optional(),
      conditions: z.array(condition).optional().default([]),
    })
    .optional()
    .default({ active: 0, succeeded: 0, failed: 0, conditions: [] }),
});

/** The answer to a DELETE: the object being deleted (it has finalizers) or a Status. */
export const deletedSchema = z.looseObject({ kind: z.string() });

/** The body of an API error (kind: Status). */
export const statusSchema = z.looseObject({
  kind: z.literal("Status"),
  message: z.string().optional(),
  reason: z.string().optional(),
  code: z.number().int().optional(),
});

export type Deployment = z.infer<typeof deploymentSchema>;
export type StatefulSet = z.infer<typeof statefulSetSchema>;
export type DaemonSet = z.infer<typeof daemonSetSchema>;
export type ArgoRollout = z.infer<typeof argoRolloutSchema>;
export type Pod = z.infer<typeof podSchema>;
export type Job = z.infer<typeof jobSchema>;
export type Condition = z.infer<typeof condition>;
