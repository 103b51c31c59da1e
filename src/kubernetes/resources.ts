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
export type Pod = z.infer<typeof podSchema>;
export type Job = z.infer<typeof jobSchema>;
export type Condition = z.infer<typeof condition>;
