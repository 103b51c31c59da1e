import type {
  FieldFacts,
  Introspection,
  MigrationKey,
  MigrationOperation,
  PendingMigration,
} from "../src/domain/classify/migration.js";

/** A NOT NULL varchar(100) column named like the field; override what the test is about. */
export function field(overrides: Partial<FieldFacts> = {}): FieldFacts {
  return {
    column: "name",
    internalType: "CharField",
    dbType: "varchar(100)",
    null: false,
    hasDefault: false,
    hasDbDefault: false,
    dbDefault: null,
    dbDefaultIsNull: false,
    generated: null,
    dbComment: null,
    unique: false,
    dbIndex: false,
    primaryKey: false,
    maxLength: 100,
    relatedModel: null,
    manyToMany: false,
    ...overrides,
  };
}

/** An operation on catalog_product with one SQL statement; `sql: []` makes it emit nothing, `sql: null` uncollected. */
export function op(type: string, overrides: Partial<MigrationOperation> = {}): MigrationOperation {
  return {
    index: 0,
    type,
    description: `${type} on product`,
    model: "product",
    table: "catalog_product",
    field: null,
    fieldFacts: null,
    previousFieldFacts: null,
    oldName: null,
    newName: null,
    objectName: null,
    togetherBefore: null,
    togetherAfter: null,
    code: null,
    reversible: null,
    phaseHint: null,
    sqlOverride: null,
    sql: [`-- ${type}`, `ALTER TABLE "catalog_product" /* ${type} */;`],
    sqlError: null,
    fieldErrors: [],
    line: null,
    databaseOperations: null,
    stateOperations: null,
    source: null,
    imports: [],
    fieldDefinition: null,
    previousFieldDefinition: null,
    preserveDefault: null,
    modelNames: null,
    ...overrides,
  };
}

export function addField(
  name: string,
  facts: Partial<FieldFacts>,
  overrides: Partial<MigrationOperation> = {},
) {
  return op("AddField", { field: name, fieldFacts: field({ column: name, ...facts }), ...overrides });
}

export function removeField(
  name: string,
  facts: Partial<FieldFacts>,
  overrides: Partial<MigrationOperation> = {},
) {
  return op("RemoveField", { field: name, fieldFacts: field({ column: name, ...facts }), ...overrides });
}

export function alterField(name: string, before: Partial<FieldFacts>, after: Partial<FieldFacts>) {
  return op("AlterField", {
    field: name,
    previousFieldFacts: field({ column: name, ...before }),
    fieldFacts: field({ column: name, ...after }),
  });
}

/** A pending migration; operations are re-indexed in order. */
export function migration(
  label: string,
  operations: MigrationOperation[],
  overrides: Partial<PendingMigration> = {},
): PendingMigration {
  const [app = "catalog", name = label] = label.split(".");
  return {
    app,
    name,
    dependencies: [],
    replaces: [],
    atomic: true,
    transactional: true,
    initial: false,
    override: null,
    followUp: [],
    file: null,
    operations: operations.map((o, index) => ({ ...o, index })),
    ...overrides,
  };
}

export function dependsOn(...labels: string[]): MigrationKey[] {
  return labels.map((label) => {
    const [app = "", name = ""] = label.split(".");
    return { app, name };
  });
}

export function introspection(pending: PendingMigration[], vendor = "postgresql"): Introspection {
  return { djangoVersion: "3.2.25", vendor, applied: [], appliedNotInRelease: [], pending };
}
