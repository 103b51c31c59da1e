import { z } from "zod";

/** What phasegate reads of an Argo CD Application (argoproj.io/v1alpha1), as GET /api/v1/applications/{name} answers. */
const sourceSchema = z.looseObject({
  repoURL: z.string().optional(),
  targetRevision: z.string().optional(),
  kustomize: z.looseObject({ images: z.array(z.string()).optional() }).optional(),
  helm: z
    .looseObject({
      parameters: z.array(z.looseObject({ name: z.string(), value: z.string().optional() })).optional(),
    })
    .optional(),
});

export type ApplicationSource = z.infer<typeof sourceSchema>;

export const applicationSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string(), resourceVersion: z.string().optional() }),
  spec: z.looseObject({
    source: sourceSchema.optional(),
    sources: z.array(sourceSchema).optional(),
    syncPolicy: z.looseObject({ automated: z.looseObject({}).nullish() }).nullish(),
  }),
  status: z
    .looseObject({
      sync: z
        .looseObject({
          status: z.string().optional(),
          revision: z.string().optional(),
          comparedTo: z.looseObject({ source: sourceSchema.optional() }).optional(),
        })
        .optional(),
      health: z.looseObject({ status: z.string().optional(), message: z.string().optional() }).optional(),
      operationState: z
        .looseObject({
          phase: z.string().optional(),
          message: z.string().optional(),
          syncResult: z
            .looseObject({ revision: z.string().optional(), source: sourceSchema.optional() })
            .optional(),
        })
        .nullish(),
    })
    .default({}),
});

export type Application = z.infer<typeof applicationSchema>;

/** The Application's one source; several sources are refused with what to do instead. */
export function singleSource(app: Application): ApplicationSource {
  if (app.spec.source) return app.spec.source;
  throw new Error(
    `Application "${app.metadata.name}" has ${app.spec.sources ? "several sources" : "no source"}: phasegate sets the image of a single-source Application; use the git mode for it`,
  );
}
