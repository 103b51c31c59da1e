import { MIGRATIONS_IMPORT, type Recipe } from "./operation-plan.js";
import { call, pyString } from "./python-source.js";

/**
 * RenameModel and AlterModelTable: keep the table with Meta.db_table (no SQL); a RenameModel still renames the
 * Python class.
 */
export const splitRenameTable: Recipe = (operation) => {
  const model = String(operation.model);
  const table = operation.oldName ?? operation.table;
  if (!table) return "the helper could not tell the table's current name";
  const keep = call("migrations.AlterModelTable", [
    ["name", pyString(model)],
    ["table", pyString(table)],
  ]);
  const meta = {
    model,
    release: 1,
    action: "meta" as const,
    attribute: "db_table",
    from: null,
    definition: pyString(table),
  };
  if (operation.type === "AlterModelTable") {
    return {
      now: [{ phase: "expand", source: keep, imports: [MIGRATIONS_IMPORT] }],
      later: [],
      modelEdits: [meta],
      releases: [`Release 1 (no SQL): the table stays ${table}: Meta.db_table = "${table}".`],
      checklist: [],
    };
  }
  const names = operation.modelNames;
  if (!names) return "the helper could not tell the model's old and new class names";
  const [oldName, newName] = names;
  return {
    now: [
      { phase: "expand", source: keep, imports: [MIGRATIONS_IMPORT] },
      {
        phase: "expand",
        source: call("migrations.RenameModel", [
          ["old_name", pyString(oldName)],
          ["new_name", pyString(newName)],
        ]),
        imports: [MIGRATIONS_IMPORT],
      },
    ],
    later: [],
    modelEdits: [
      { model, release: 1, action: "rename-model", attribute: newName, from: oldName, definition: null },
      { ...meta, model: newName.toLowerCase() },
    ],
    releases: [
      `Release 1 (no SQL): rename the class ${oldName} to ${newName} and keep the table with Meta.db_table = "${table}".`,
    ],
    checklist: [
      `Every reference to ${oldName} (imports, ForeignKey("…${oldName}"), queries) names ${newName}. Many-to-many join tables named after the model are renamed by Django: check the plan.`,
    ],
  };
};
