import type { Introspection, MigrationOperation, PendingMigration } from "../src/domain/migration.js";

const facts = {
  column: "c",
  internalType: "IntegerField",
  dbType: "integer",
  null: true,
  hasDefault: false,
  hasDbDefault: false,
  dbDefault: null,
  unique: false,
  dbIndex: false,
  primaryKey: false,
  maxLength: null,
  relatedModel: null,
  manyToMany: false,
};

function operation(type: string, field: string, table: string): MigrationOperation {
  return {
    index: 0,
    type,
    description: `${type} ${field}`,
    model: "item",
    table,
    field,
    fieldFacts: { ...facts, column: field },
    previousFieldFacts: type === "AlterField" ? { ...facts, column: field, null: false } : null,
    oldName: null,
    newName: null,
    objectName: type === "AddIndex" ? `${field}_idx` : null,
    togetherBefore: null,
    togetherAfter: null,
    code: null,
    reversible: null,
    phaseHint: null,
    sql: [`ALTER TABLE "${table}" ${type} "${field}";`],
    sqlError: null,
    databaseOperations: null,
    stateOperations: null,
  };
}

const EXPAND_TYPES = ["AddField", "AlterField", "AddIndex", "CreateModel"];

/** `apps` apps of `perApp` chained migrations each: expand ones (mixed operation types), the last tenth contract. */
export function generateIntrospection(apps: number, perApp: number): Introspection {
  const pending: PendingMigration[] = [];
  for (let a = 0; a < apps; a++) {
    const app = `app${a}`;
    for (let m = 0; m < perApp; m++) {
      const contract = m >= perApp - Math.ceil(perApp / 10);
      const type = contract ? "RemoveField" : (EXPAND_TYPES[m % EXPAND_TYPES.length] ?? "AddField");
      pending.push({
        app,
        name: `${String(m + 1).padStart(4, "0")}_step`,
        dependencies: m === 0 ? [] : [{ app, name: `${String(m).padStart(4, "0")}_step` }],
        replaces: [],
        atomic: true,
        initial: m === 0,
        override: null,
        operations: [operation(type, `f${m}`, `${app}_item`)],
      });
    }
  }
  return { djangoVersion: "3.2.25", vendor: "postgresql", applied: [], pending };
}
