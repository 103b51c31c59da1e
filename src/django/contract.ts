import { z } from "zod";
import type {
  FieldDefinition,
  FieldFacts,
  Introspection,
  MigrationOperation,
} from "../domain/classify/migration.js";

/**
 * The JSON the introspection helper (introspect.py) prints, validated field by field against the domain types
 * in src/domain/migration.ts. A helper from another phasegate version, or a project that prints on stdout,
 * fails here with the path of the first mismatch.
 */

const nullableString = z.string().nullable();

const phase = z.enum(["expand", "contract"], {
  error:
    'must be "expand" or "contract" (e.g. hints={"phase": "expand"} or class Migration: phase = "expand")',
});

const migrationKeySchema = z.object({ app: z.string(), name: z.string() });

const fieldFactsSchema: z.ZodType<FieldFacts> = z.object({
  column: nullableString,
  internalType: z.string(),
  dbType: nullableString,
  null: z.boolean(),
  hasDefault: z.boolean(),
  hasDbDefault: z.boolean(),
  dbDefault: nullableString,
  dbDefaultIsNull: z.boolean(),
  generated: z.object({ expression: z.string(), stored: z.boolean() }).nullable(),
  dbComment: nullableString,
  unique: z.boolean(),
  dbIndex: z.boolean(),
  primaryKey: z.boolean(),
  maxLength: z.number().int().nullable(),
  relatedModel: nullableString,
  manyToMany: z.boolean(),
});

const fieldDefinitionSchema: z.ZodType<FieldDefinition> = z.object({
  path: z.string(),
  args: z.array(z.string()),
  kwargs: z.array(z.tuple([z.string(), z.string()])),
  imports: z.array(z.string()),
});

const fieldSets = z.array(z.array(z.string())).nullable();

const operationSchema: z.ZodType<MigrationOperation> = z.lazy(() =>
  z.object({
    index: z.number().int().nonnegative(),
    type: z.string(),
    description: z.string(),
    model: nullableString,
    table: nullableString,
    field: nullableString,
    fieldFacts: fieldFactsSchema.nullable(),
    previousFieldFacts: fieldFactsSchema.nullable(),
    oldName: nullableString,
    newName: nullableString,
    objectName: nullableString,
    togetherBefore: fieldSets,
    togetherAfter: fieldSets,
    code: nullableString,
    reversible: z.boolean().nullable(),
    phaseHint: phase.nullable(),
    sqlOverride: z.string().min(1, "phasegate_override must say why").nullable().default(null),
    sql: z.array(z.string()).nullable(),
    sqlError: nullableString,
    fieldErrors: z.array(z.string()),
    line: z.number().int().positive().nullable(),
    databaseOperations: z.array(operationSchema).nullable(),
    stateOperations: z.array(operationSchema).nullable(),
    // Added for `phasegate split`; a helper without them still validates.
    source: nullableString.default(null),
    imports: z.array(z.string()).default([]),
    fieldDefinition: fieldDefinitionSchema.nullable().default(null),
    previousFieldDefinition: fieldDefinitionSchema.nullable().default(null),
    preserveDefault: z.boolean().nullable().default(null),
    modelNames: z.tuple([z.string(), z.string()]).nullable().default(null),
  }),
);

const overrideSchema = z.object({
  phase: z.enum(["expand", "contract", "any"], {
    error:
      'must be "expand" or "contract" (phase = ...), Stage.PRE_DEPLOY/POST_DEPLOY or Safe.before_deploy()/after_deploy()/always()',
  }),
  source: z.enum(["phasegate", "syzygy", "safemigrate"]),
  raw: z.string(),
});

export const introspectionSchema: z.ZodType<Introspection> = z.object({
  djangoVersion: z.string(),
  vendor: z.string(),
  applied: z.array(migrationKeySchema),
  // Added for downgrades; a helper without it still validates.
  appliedNotInRelease: z.array(migrationKeySchema).default([]),
  pending: z.array(
    z.object({
      app: z.string(),
      name: z.string(),
      dependencies: z.array(migrationKeySchema),
      replaces: z.array(migrationKeySchema),
      atomic: z.boolean(),
      transactional: z.boolean(),
      initial: z.boolean(),
      override: overrideSchema.nullable(),
      file: nullableString,
      operations: z.array(operationSchema),
      followUp: z
        .array(
          z.object({
            name: z
              .string()
              .regex(/^\w+$/, "must name a migration of the same app, e.g. 0004_item_stock_not_null"),
            phase: phase.nullable(),
          }),
        )
        .default([]),
    }),
  ),
});

/** What the helper prints instead when it cannot introspect, with a non-zero exit status. */
export const helperErrorSchema = z.object({
  error: z.object({
    kind: z.enum([
      "usage",
      "django-missing",
      "settings",
      "startup",
      "database",
      "graph",
      "target",
      "internal",
    ]),
    message: z.string(),
    detail: z.string().nullable().default(null),
    /** Where the Python error happened (the project's file, from the traceback), when the helper knows it. */
    location: z.object({ file: z.string(), line: z.number().int().nullable() }).nullable().default(null),
  }),
});

export type HelperError = z.infer<typeof helperErrorSchema>["error"];
